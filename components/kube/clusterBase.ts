import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Cluster, PullAccess, PullGrant } from "../contracts";
import { pullSecret } from "./pullSecret";

type IamGrant = Extract<PullAccess, { kind: "iamGrant" }>;

/**
 * Shared part of every cluster component: anonymous pulls need nothing and pull Secrets work on
 * any cluster; only IAM grants are cloud-specific, so subclasses implement `grantIam`.
 */
export abstract class ClusterBase extends pulumi.ComponentResource implements Cluster {
    public abstract readonly provider: k8s.Provider;
    private readonly grants = new Map<PullAccess, pulumi.Resource[]>();
    private pullSecrets = 0;

    protected constructor(type: string, protected readonly baseName: string, opts?: pulumi.ComponentResourceOptions) {
        super(type, baseName, {}, opts);
    }

    /** Grants this cluster's nodes the IAM role `access` describes; returns what workloads must wait for. */
    protected abstract grantIam(access: IamGrant): pulumi.Resource[];

    public grantPull(access: PullAccess, namespace: pulumi.Output<string>): PullGrant {
        switch (access.kind) {
            case "anonymous":
                return { dependsOn: [], imagePullSecrets: [] };
            case "pullSecret": {
                const suffix = this.pullSecrets++ === 0 ? "" : `-${this.pullSecrets}`;
                const secret = pullSecret(`${this.baseName}-pull${suffix}`, namespace, access.credentials, { parent: this, provider: this.provider });
                return { dependsOn: [secret], imagePullSecrets: [secret.metadata.name] };
            }
            case "iamGrant": {
                // One grant per registry, however many namespaces use it.
                const existing = this.grants.get(access) ?? this.grantIam(access);
                this.grants.set(access, existing);
                return { dependsOn: existing, imagePullSecrets: [] };
            }
        }
    }
}
