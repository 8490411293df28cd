import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AppSettings } from "../config/app";
import { AppConfigRefs } from "./appConfig";
import { appPodSpec } from "./podSpec";

export interface MigrationInputs {
    app: AppSettings;
    image: pulumi.Input<string>;
    imagePullSecrets: pulumi.Input<string>[];
    refs: AppConfigRefs;
    namespace: pulumi.Input<string>;
    labels: Record<string, string>;
    prefix: string;
    opts: pulumi.CustomResourceOptions;
}

/**
 * The app's pre-deploy step: a Job on the new digest, with the app's env, secrets and files, that
 * the Deployment waits for. A Job's template cannot change, so a new digest (or command, secret,
 * file) replaces it: the provider creates `<prefix>-migrate-<random>`, waits for it to succeed, and
 * deletes the previous one at the end of the update, so one finished Job stays per app. An
 * unchanged template is no change: a no-op `up` runs nothing. A failed Job fails the update
 * before the Deployment is touched; its log tail is the container's termination message.
 */
export function migrationJob(inputs: MigrationInputs): k8s.batch.v1.Job | undefined {
    const { app } = inputs;
    const migrate = app.migrate;
    if (migrate === undefined) return undefined;
    const labels = { ...inputs.labels, "app.kubernetes.io/component": "migrate" };
    return new k8s.batch.v1.Job(
        `${inputs.prefix}-migrate`,
        {
            metadata: { namespace: inputs.namespace, labels },
            spec: {
                backoffLimit: migrate.retries,
                activeDeadlineSeconds: migrate.timeoutSeconds,
                template: {
                    // Not the Deployment's selector labels: the app's Service must not route to it.
                    metadata: {
                        labels: {
                            "app.kubernetes.io/name": `${app.name}-migrate`,
                            "app.kubernetes.io/component": "migrate",
                            "app.kubernetes.io/managed-by": "stevedore",
                        },
                    },
                    spec: appPodSpec({
                        app,
                        image: inputs.image,
                        imagePullSecrets: inputs.imagePullSecrets,
                        refs: inputs.refs,
                        role: "migrate",
                    }),
                },
            },
        },
        {
            ...inputs.opts,
            // The provider waits for the Job to succeed; a little past its own deadline, so the
            // Job's failure (with its reason) is what `up` reports, not our timeout.
            customTimeouts: { create: `${migrate.timeoutSeconds + 60}s`, update: `${migrate.timeoutSeconds + 60}s` },
        },
    );
}
