import * as docker from "@pulumi/docker";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { baselineTarget } from "./registries";

/** The part of an app entry a bare program reads. */
interface AppEntry {
    name: string;
    context: string;
}

/**
 * The baseline: what the same deployment costs written by hand with no stevedore code. Reads the
 * same stack config, then registers per app one docker Image, one Deployment and one Service,
 * plus the one registry and Kubernetes provider of the target.
 */
export = async () => {
    const config = new pulumi.Config("stevedore");
    const apps = config.requireObject<AppEntry[]>("apps");
    const target = await baselineTarget(
        config.require("target"),
        apps.map((a) => a.name),
    );
    const provider = new k8s.Provider("cluster-k8s", target.provider);

    const refs = apps.map((app) => {
        const image = new docker.Image(`${app.name}-image`, {
            imageName: pulumi.interpolate`${target.repository(app.name)}:latest`,
            build: { context: app.context, dockerfile: `${app.context}/Dockerfile`, platform: "linux/amd64" },
            registry: target.credentials,
        });
        const labels = { "app.kubernetes.io/name": app.name };
        new k8s.apps.v1.Deployment(
            `${app.name}-deploy`,
            {
                metadata: { name: app.name, labels },
                spec: {
                    replicas: 1,
                    selector: { matchLabels: labels },
                    template: {
                        metadata: { labels },
                        spec: {
                            containers: [
                                {
                                    name: app.name,
                                    image: image.repoDigest,
                                    ports: [{ name: "http", containerPort: 8080 }],
                                },
                            ],
                        },
                    },
                },
            },
            { provider },
        );
        const service = new k8s.core.v1.Service(
            `${app.name}-svc`,
            {
                metadata: { name: app.name, labels },
                spec: { selector: labels, ports: [{ name: "http", port: 8080, targetPort: "http" }] },
            },
            { provider },
        );
        return [app.name, { image: image.repoDigest, service: service.metadata.name }] as const;
    });
    return { apps: Object.fromEntries(refs) };
};
