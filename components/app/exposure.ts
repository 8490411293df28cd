import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AppSettings } from "../config/app";
import { appPort } from "./probes";

export interface ExposureInputs {
    app: AppSettings;
    namespace: pulumi.Input<string>;
    labels: Record<string, string>;
    selector: Record<string, string>;
    provider: k8s.Provider;
    parent: pulumi.Resource;
    prefix: string;
}

export interface Exposure {
    /** In-cluster URL of the app's Service. */
    url: pulumi.Output<string>;
    /** Public URL when the app is exposed; undefined otherwise. */
    externalUrl: pulumi.Output<string> | undefined;
}

/** The app's Service (ClusterIP, or LoadBalancer when `expose: loadBalancer`) and, for `expose: ingress`, an Ingress. */
export function exposeApp(inputs: ExposureInputs): Exposure {
    const { app, provider, parent, prefix } = inputs;
    const opts = { parent, provider };
    const service = new k8s.core.v1.Service(
        `${prefix}-svc`,
        {
            metadata: { name: app.name, namespace: inputs.namespace, labels: inputs.labels },
            spec: {
                type: app.expose === "loadBalancer" ? "LoadBalancer" : "ClusterIP",
                selector: inputs.selector,
                ports: [{ name: "http", port: appPort(app) ?? 0, targetPort: "http", protocol: "TCP" }],
            },
        },
        {
            ...opts,
            // The provider waits for the Service to have ready endpoints (10 minutes by default): a
            // rollout that cannot finish must fail the update within the app's timeout here too.
            customTimeouts: { create: `${app.rolloutTimeoutSeconds}s`, update: `${app.rolloutTimeoutSeconds}s` },
        },
    );
    const url = pulumi.interpolate`http://${service.metadata.name}.${service.metadata.namespace}.svc.cluster.local:${String(appPort(app))}`;

    if (app.expose === "loadBalancer") {
        const externalUrl = service.status.apply((status) => {
            const ingress = status?.loadBalancer?.ingress?.[0];
            const host = ingress?.hostname ?? ingress?.ip;
            return host === undefined
                ? "pending (the cluster has not assigned an address)"
                : `http://${host}:${String(appPort(app))}`;
        });
        return { url, externalUrl };
    }
    if (app.expose === "ingress" && app.ingress !== undefined) {
        const rule = app.ingress;
        const ingress = new k8s.networking.v1.Ingress(
            `${prefix}-ingress`,
            {
                metadata: { name: app.name, namespace: inputs.namespace, labels: inputs.labels },
                spec: {
                    ingressClassName: rule.className,
                    tls:
                        rule.tlsSecret === undefined ? undefined : [{ hosts: [rule.host], secretName: rule.tlsSecret }],
                    rules: [
                        {
                            host: rule.host,
                            http: {
                                paths: [
                                    {
                                        path: rule.path,
                                        pathType: "Prefix",
                                        backend: { service: { name: service.metadata.name, port: { name: "http" } } },
                                    },
                                ],
                            },
                        },
                    ],
                },
            },
            opts,
        );
        const scheme = rule.tlsSecret === undefined ? "http" : "https";
        return { url, externalUrl: ingress.metadata.name.apply(() => `${scheme}://${rule.host}${rule.path}`) };
    }
    return { url, externalUrl: undefined };
}
