import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AppSettings } from "../config/app";
import { appPort } from "./probes";

type Peer = k8s.types.input.networking.v1.NetworkPolicyPeer;

/** The namespace's baseline under `stevedore:networkPolicy`: no pod takes ingress unless a policy allows it. Egress is untouched. */
export function defaultDenyIngress(
    name: string,
    namespace: pulumi.Input<string>,
    opts: pulumi.CustomResourceOptions,
): k8s.networking.v1.NetworkPolicy {
    return new k8s.networking.v1.NetworkPolicy(
        name,
        {
            metadata: {
                name: "stevedore-default-deny-ingress",
                namespace,
                labels: { "app.kubernetes.io/managed-by": "stevedore" },
            },
            spec: { podSelector: {}, policyTypes: ["Ingress"] },
        },
        opts,
    );
}

/**
 * Who may reach one app, from its `allowFrom`: pods of named apps of the stack, any pod of a named
 * namespace (an ingress controller's), or anyone (`"*"`). Only to its port, when it has one; an app
 * with no allowFrom gets no policy and so stays denied.
 */
export function appIngressPolicy(
    prefix: string,
    app: AppSettings,
    namespace: pulumi.Input<string>,
    selector: Record<string, string>,
    opts: pulumi.CustomResourceOptions,
): k8s.networking.v1.NetworkPolicy | undefined {
    if (app.allowFrom === undefined) return undefined;
    const anyone = app.allowFrom.includes("*");
    const from: Peer[] = app.allowFrom.flatMap((entry): Peer[] =>
        entry === "*"
            ? []
            : typeof entry === "string"
              ? [{ podSelector: { matchLabels: { "app.kubernetes.io/name": entry } } }]
              : [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": entry.namespace } } }],
    );
    const port = appPort(app);
    return new k8s.networking.v1.NetworkPolicy(
        `${prefix}-netpol`,
        {
            metadata: {
                name: `${app.name}-ingress`,
                namespace,
                labels: { "app.kubernetes.io/managed-by": "stevedore" },
            },
            spec: {
                podSelector: { matchLabels: selector },
                policyTypes: ["Ingress"],
                ingress: [
                    {
                        // No `from` at all means every source; an empty list would mean none.
                        from: anyone ? undefined : from,
                        ports: port === undefined ? undefined : [{ port, protocol: "TCP" }],
                    },
                ],
            },
        },
        opts,
    );
}
