import * as docker from "@pulumi/docker";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/**
 * The real-engine benchmark's floor: per app a docker.Image, a Deployment running its pushed
 * digest and a Service, in one namespace, with nothing else (no config schema, components,
 * hardening or checks). Same images, same objects and the same await as stevedore.
 */
const config = new pulumi.Config("bare");
const apps = config.requireObject<{ name: string; context: string }[]>("apps");
const registry = config.require("registry");
const provider = new k8s.Provider("k8s", { kubeconfig: config.require("kubeconfig") });
const ns = new k8s.core.v1.Namespace("ns", { metadata: { name: "bare" } }, { provider });

export const images = Object.fromEntries(
    apps.map((app) => {
        const image = new docker.Image(`${app.name}-image`, {
            imageName: `${registry}/bare-${app.name}:latest-build`,
            build: { context: app.context, platform: "linux/amd64", args: { NODE_IMAGE: config.require("nodeImage") } },
        });
        const labels = { app: app.name };
        new k8s.apps.v1.Deployment(
            `${app.name}-deploy`,
            {
                metadata: { name: app.name, namespace: ns.metadata.name },
                spec: {
                    replicas: 1,
                    selector: { matchLabels: labels },
                    template: { metadata: { labels }, spec: { containers: [{ name: app.name, image: image.repoDigest, ports: [{ containerPort: 8080 }] }] } },
                },
            },
            { provider },
        );
        new k8s.core.v1.Service(`${app.name}-svc`, { metadata: { name: app.name, namespace: ns.metadata.name }, spec: { selector: labels, ports: [{ port: 8080 }] } }, { provider });
        return [app.name, image.repoDigest];
    }),
);
