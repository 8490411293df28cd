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

    /** The cloud whose IAM grants this cluster can apply; undefined for a cluster that can apply none. */
    protected readonly iamCloud: string | undefined = undefined;

    /** The error for an IAM grant of another cloud: why this cluster cannot apply it, and what to use instead. */
    protected abstract refuseIam(cloud: string): Error;

    /** Grants this cluster's nodes the IAM role `access` describes (always of `iamCloud`); returns what workloads must wait for. */
    protected grantIam(access: IamGrant): pulumi.Resource[] {
        throw new Error(`${this.baseName}: declares iamCloud ${String(this.iamCloud)} but does not implement grantIam for its ${access.cloud} grant`);
    }

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
                if (access.cloud !== this.iamCloud) throw this.refuseIam(access.cloud);
                // One grant per registry, however many namespaces use it.
                const existing = this.grants.get(access) ?? this.grantIam(access);
                this.grants.set(access, existing);
                return { dependsOn: existing, imagePullSecrets: [] };
            }
        }
    }
}
