import * as crypto from "crypto";
import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterArgs, IamCloud, IamPullOf } from "../contracts";
import { ClusterBase } from "../kube/clusterBase";
import { clusterProvider } from "../kube/provider";
import { existingGkeCluster } from "./existingCluster";
import { gkeKubeconfig } from "./kubeconfig";
import { newGkeCluster } from "./newCluster";
import { GcpTarget } from "./setup";

/**
 * A GKE cluster, attached by name or created by stevedore, reached through a kubeconfig whose user
 * runs `gke-gcloud-auth-plugin`. Pulls from Artifact Registry are granted to the nodes' service
 * account on the repository itself.
 */
export class GkeCluster extends ClusterBase<"gcp"> {
    public readonly provider: k8s.Provider;
    /** Name of the GKE cluster. */
    public readonly clusterName: pulumi.Output<string>;
    /** Email of the service account the cluster's nodes run (and pull images) as. */
    public readonly nodeServiceAccount: pulumi.Output<string>;
    /** Kubeconfig for the cluster (secret); its user authenticates with `gke-gcloud-auth-plugin`. */
    public readonly kubeconfig: pulumi.Output<string>;
    private readonly otherNodeServiceAccounts: pulumi.Output<string[]>;
    private readonly gcp: gcp.Provider;
    private grantCount = 0;

    constructor(name: string, args: ClusterArgs, target: GcpTarget, opts?: pulumi.ComponentResourceOptions) {
        super("stevedore:gcp:Cluster", name, opts);
        this.gcp = target.provider;
        const { settings } = target;
        const cfg = settings.cluster;
        const connection =
            cfg.mode === "create"
                ? newGkeCluster(name, settings.project, settings.location, cfg, { parent: this, provider: this.gcp })
                : existingGkeCluster(settings.project, settings.location, cfg, { parent: this, provider: this.gcp });

        this.clusterName = connection.name;
        this.nodeServiceAccount = connection.nodeServiceAccount;
        this.otherNodeServiceAccounts = connection.otherNodeServiceAccounts ?? pulumi.output([]);
        this.kubeconfig = pulumi.secret(
            pulumi
                .all([connection.name, connection.endpoint, connection.caCertificate])
                .apply(([clusterName, endpoint, caCertificate]) =>
                    gkeKubeconfig({
                        project: connection.project,
                        location: connection.location,
                        name: clusterName,
                        endpoint,
                        caCertificate,
                    }),
                ),
        );
        this.provider = clusterProvider(
            `${name}-k8s`,
            { kubeconfig: this.kubeconfig, renderDir: args.renderDir },
            this,
        );
        this.registerOutputs({
            clusterName: this.clusterName,
            nodeServiceAccount: this.nodeServiceAccount,
            kubeconfig: this.kubeconfig,
        });
    }

    protected override readonly iamCloud = "gcp" as const;

    protected refuseIam(cloud: IamCloud): Error {
        return new pulumi.ResourceError(
            `a GKE cluster cannot apply a ${cloud} IAM grant; use an Artifact Registry repository, or a registry reached with a pull secret`,
            this,
        );
    }

    /**
     * Makes the nodes' service accounts readers of the one repository the registry uses: the first
     * pool's under the grant's original name, every other pool's distinct account under a name
     * from its email (so pool order never renames one).
     */
    protected override grantIam(access: IamPullOf<"gcp">): pulumi.Resource[] {
        const suffix = this.grantCount++ === 0 ? "" : `-${this.grantCount}`;
        const base = `${this.baseName}-registry-reader${suffix}`;
        const reader = (name: string, account: pulumi.Input<string>) =>
            new gcp.artifactregistry.RepositoryIamMember(
                name,
                {
                    project: access.project,
                    location: access.location,
                    repository: access.repositoryId,
                    role: access.role,
                    member: pulumi.interpolate`serviceAccount:${account}`,
                },
                // A member is one (repository, role, account) binding, whoever added it: another stack on the
                // repository, or every VM on the Compute Engine default account, may rely on it. Destroy
                // leaves it; a repository stevedore created takes its bindings with it when deleted.
                { parent: this, provider: this.gcp, retainOnDelete: true },
            );
        // The other accounts are only known from the cluster lookup (known at preview too). The first
        // member waits for theirs, so whatever waits for it (every Deployment) waits for them all.
        const others = this.otherNodeServiceAccounts.apply((accounts) =>
            pulumi.all(accounts.map((a) => reader(`${base}-${accountKey(a)}`, a).id)),
        );
        const first = pulumi.all([this.nodeServiceAccount, others]).apply(([account]) => account);
        return [reader(base, first)];
    }
}

/** A short, stable key for a service account's email, for resource names. */
function accountKey(email: string): string {
    return crypto.createHash("sha256").update(email).digest("hex").slice(0, 8);
}
