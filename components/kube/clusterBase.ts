import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Cluster, IamCloud, IamPull, IamPullOf, PullAccess, PullGrant } from "../contracts";
import { pullSecret } from "./pullSecret";

/**
 * Shared part of every cluster component: anonymous pulls need nothing and pull Secrets work on
 * any cluster; only IAM grants are cloud-specific, so subclasses implement `grantIam` for the
 * grants of their cloud `C` (none by default).
 */
export abstract class ClusterBase<C extends IamCloud = never> extends pulumi.ComponentResource implements Cluster {
    public abstract readonly provider: k8s.Provider;
    private readonly grants = new Map<PullAccess, pulumi.Resource[]>();
    private pullSecrets = 0;

    protected constructor(
        type: string,
        protected readonly baseName: string,
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super(type, baseName, {}, opts);
    }

    /** The cloud whose IAM grants this cluster can apply; undefined for a cluster that can apply none. */
    protected readonly iamCloud: C | undefined = undefined;

    /** The error for an IAM grant of another cloud: why this cluster cannot apply it, and what to use instead. */
    protected abstract refuseIam(cloud: IamCloud): Error;

    /** Grants this cluster's nodes the IAM role `access` describes (always of `iamCloud`); returns what workloads must wait for. */
    protected grantIam(access: IamPullOf<C>): pulumi.Resource[] {
        throw new pulumi.ResourceError(
            `${this.baseName}: declares iamCloud ${String(this.iamCloud)} but does not implement grantIam for its ${access.cloud} grant`,
            this,
        );
    }

    public grantPull(access: PullAccess, namespace: pulumi.Output<string>): PullGrant {
        switch (access.kind) {
            case "anonymous":
                return { dependsOn: [], imagePullSecrets: [] };
            case "pullSecret": {
                const suffix = this.pullSecrets++ === 0 ? "" : `-${this.pullSecrets}`;
                const secret = pullSecret(`${this.baseName}-pull${suffix}`, namespace, access.credentials, {
                    parent: this,
                    provider: this.provider,
                });
                return { dependsOn: [secret], imagePullSecrets: [secret.metadata.name] };
            }
            case "iamGrant": {
                if (!this.canApply(access)) throw this.refuseIam(access.cloud);
                // One grant per registry, however many namespaces use it.
                const existing = this.grants.get(access) ?? this.grantIam(access);
                this.grants.set(access, existing);
                return { dependsOn: existing, imagePullSecrets: [] };
            }
        }
    }

    /** Whether `access` is a grant of this cluster's own cloud. */
    private canApply(access: IamPull): access is IamPullOf<C> {
        return access.cloud === this.iamCloud;
    }
}
