import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AppSettings } from "../config/app";

type Container = k8s.types.input.core.v1.Container;
type Volume = k8s.types.input.core.v1.Volume;
type EnvVar = k8s.types.input.core.v1.EnvVar;
type VolumeMount = k8s.types.input.core.v1.VolumeMount;

export interface AppConfigInputs {
    app: AppSettings;
    /** secretEnv's values, as secrets (`ResolvedApp.secretValues`). */
    secretValues: Record<string, pulumi.Output<string>>;
    namespace: pulumi.Input<string>;
    labels: Record<string, string>;
    prefix: string;
    opts: pulumi.CustomResourceOptions;
}

/**
 * What the app's pods read besides the image: its secret env in a Secret, its files in a
 * ConfigMap. Neither is given a name, so the provider names it `<prefix>-secret-<random>`: data it
 * cannot change in place (both are immutable to it) replaces the object under a new name, the pod
 * template that names it changes, and only this app rolls. No hash of the values is needed, so none
 * can leak (a hash of a short password is as good as the password to anyone who can guess it).
 */
export interface AppConfigRefs {
    secretName?: pulumi.Input<string>;
    filesName?: pulumi.Input<string>;
}

export function appConfigObjects(inputs: AppConfigInputs): AppConfigRefs {
    const { app, namespace, labels, prefix, opts } = inputs;
    const refs: AppConfigRefs = {};
    const secretEnv = Object.entries(inputs.secretValues);
    if (secretEnv.length > 0) {
        const secret = new k8s.core.v1.Secret(
            `${prefix}-secret`,
            {
                metadata: { namespace, labels },
                type: "Opaque",
                immutable: true,
                stringData: pulumi.secret(pulumi.all(Object.fromEntries(secretEnv))),
            },
            opts,
        );
        refs.secretName = secret.metadata.name;
    }
    const files = fileKeys(app.files);
    if (files.length > 0) {
        const configMap = new k8s.core.v1.ConfigMap(
            `${prefix}-files`,
            {
                metadata: { namespace, labels },
                immutable: true,
                data: Object.fromEntries(files.map(({ key, path }) => [key, app.files[path]])),
            },
            opts,
        );
        refs.filesName = configMap.metadata.name;
    }
    return refs;
}

/** Each file path with its ConfigMap key (`file-0`, …, in path order: paths are not valid keys). */
export function fileKeys(files: Record<string, string>): { key: string; path: string }[] {
    return Object.keys(files)
        .sort()
        .map((path, i) => ({ key: `file-${String(i)}`, path }));
}

/** Env entries, envFrom, volume mounts and volumes that bring the Secret, ConfigMap and envFrom into a container. */
export function configWiring(
    app: AppSettings,
    refs: AppConfigRefs,
): Pick<Container, "envFrom"> & { env: EnvVar[]; mounts: VolumeMount[]; volumes: Volume[] } {
    const env: EnvVar[] = Object.keys(app.secretEnv)
        .sort()
        .map((name) => ({ name, valueFrom: { secretKeyRef: { name: refs.secretName ?? "", key: name } } }));
    const envFrom = app.envFrom.map((from) =>
        "secret" in from
            ? { secretRef: { name: from.secret, optional: from.optional } }
            : { configMapRef: { name: from.configMap, optional: from.optional } },
    );
    const files = fileKeys(app.files);
    const mounts = files.map(({ key, path }) => ({ name: "files", mountPath: path, subPath: key, readOnly: true }));
    const volumes: Volume[] =
        refs.filesName === undefined
            ? []
            : [{ name: "files", configMap: { name: refs.filesName, defaultMode: 0o444 } }];
    return { env, envFrom: envFrom.length > 0 ? envFrom : undefined, mounts, volumes };
}
