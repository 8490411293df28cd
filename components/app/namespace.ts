import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { defaultDenyIngress } from "./networkPolicy";

/** Pod Security Admission labels: the namespace enforces, warns on and audits the `restricted` profile. */
export const RESTRICTED_LABELS: Record<string, string> = {
    "pod-security.kubernetes.io/enforce": "restricted",
    "pod-security.kubernetes.io/enforce-version": "latest",
    "pod-security.kubernetes.io/warn": "restricted",
    "pod-security.kubernetes.io/warn-version": "latest",
    "pod-security.kubernetes.io/audit": "restricted",
    "pod-security.kubernetes.io/audit-version": "latest",
};

export interface AppNamespaceArgs {
    /** Namespace name (`stevedore:namespace`). */
    name: string;
    provider: k8s.Provider;
    /** `stevedore:networkPolicy`: deny ingress to every pod unless an app's allowFrom lets it in. */
    defaultDenyIngress?: boolean;
    /**
     * `stevedore:namespaceScoped`: the namespace exists and is not stevedore's; no Namespace object
     * is made (it is cluster-scoped), so its Pod Security labels are its owner's to set.
     */
    existing?: boolean;
}

/** The namespace every app of the stack lives in, so apps reach each other by Service name: made by stevedore, or an existing one. */
export class AppNamespace extends pulumi.ComponentResource {
    /** The namespace's name, resolved once it exists so dependents wait for it. */
    public readonly name: pulumi.Output<string>;

    constructor(name: string, args: AppNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("stevedore:app:AppNamespace", name, {}, opts);
        if (args.existing === true) {
            this.name = pulumi.output(args.name);
            if (args.defaultDenyIngress === true)
                defaultDenyIngress(`${name}-deny-ingress`, args.name, { parent: this, provider: args.provider });
            this.registerOutputs({ name: this.name });
            return;
        }
        const ns = new k8s.core.v1.Namespace(
            `${name}-ns`,
            {
                metadata: {
                    name: args.name,
                    labels: { ...RESTRICTED_LABELS, "app.kubernetes.io/managed-by": "stevedore" },
                },
            },
            { parent: this, provider: args.provider },
        );
        if (args.defaultDenyIngress === true)
            defaultDenyIngress(`${name}-deny-ingress`, ns.metadata.name, { parent: this, provider: args.provider });
        this.name = ns.metadata.name;
        this.registerOutputs({ name: this.name });
    }
}
