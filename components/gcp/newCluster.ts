import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { GkeConnection } from "./handles";
import { CreateClusterSettings } from "./settings";

/**
 * Roles of the node service account: GKE's own least-privilege node role (writing logs and
 * metrics, reading what node agents need). Image pulls are granted per repository, not here.
 */
export const NODE_ROLES = ["roles/container.defaultNodeServiceAccount"] as const;

/** Name of the node pool; pool names are per cluster, so a fixed one never collides. */
export const NODE_POOL = "stevedore-pool";

/**
 * A GKE Standard cluster (regional for a region, zonal for a zone) without its default node pool,
 * and one autoscaled node pool whose nodes run as a service account of their own.
 */
export function newGkeCluster(
    name: string,
    project: string,
    location: string,
    cfg: CreateClusterSettings,
    opts: pulumi.CustomResourceOptions,
): GkeConnection {
    const account = new gcp.serviceaccount.Account(
        `${name}-nodes`,
        {
            project,
            accountId: cfg.nodeServiceAccountId,
            displayName: `Nodes of GKE cluster ${cfg.name} (stevedore)`,
        },
        opts,
    );
    const member = pulumi.interpolate`serviceAccount:${account.email}`;
    const roles = NODE_ROLES.map(
        (role) =>
            new gcp.projects.IAMMember(
                `${name}-nodes-${role.split(".").pop() ?? role}`,
                { project, role, member },
                opts,
            ),
    );

    const cluster = new gcp.container.Cluster(
        `${name}-gke`,
        {
            project,
            location,
            name: cfg.name,
            // GKE builds a temporary default pool before removing it; it runs as our node account, not
            // the Compute Engine default one, which hardened projects often delete.
            removeDefaultNodePool: true,
            initialNodeCount: 1,
            nodeConfig: {
                serviceAccount: account.email,
                oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
            },
            network: cfg.network,
            subnetwork: cfg.subnetwork,
            releaseChannel: { channel: cfg.releaseChannel },
            networkingMode: "VPC_NATIVE",
            workloadIdentityConfig: cfg.workloadIdentity ? { workloadPool: `${project}.svc.id.goog` } : undefined,
            deletionProtection: cfg.deletionProtection,
            resourceLabels: { "managed-by": "stevedore" },
        },
        // nodeConfig describes only the removed default pool, and a change to it forces a new cluster:
        // clusters created before it was set keep theirs.
        { ...opts, dependsOn: roles, ignoreChanges: ["nodeConfig"] },
    );

    const pool = new gcp.container.NodePool(
        `${name}-pool`,
        {
            project,
            location,
            cluster: cluster.name,
            name: NODE_POOL,
            // Only the pool's size at creation: the autoscaler owns the count afterwards.
            initialNodeCount: Math.max(cfg.nodePool.minCount, 1),
            autoscaling: { minNodeCount: cfg.nodePool.minCount, maxNodeCount: cfg.nodePool.maxCount },
            management: { autoRepair: true, autoUpgrade: true },
            nodeConfig: {
                machineType: cfg.nodePool.machineType,
                serviceAccount: account.email,
                // Access is governed by IAM roles, as Google recommends for custom node accounts.
                oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
                workloadMetadataConfig: cfg.workloadIdentity ? { mode: "GKE_METADATA" } : undefined,
                shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
                labels: { "managed-by": "stevedore" },
            },
        },
        // Nodes that start before their roles exist fail to report logs and metrics. A changed
        // initialNodeCount forces a new pool (the provider's rule), which would drain every node
        // when minCount is raised, and its fixed name would collide on create-before-delete.
        { ...opts, dependsOn: roles, ignoreChanges: ["initialNodeCount"] },
    );

    // Workloads wait for nodes: the endpoint (and so the kubeconfig) resolves after the pool exists.
    const endpoint = pulumi.all([cluster.endpoint, pool.id]).apply(([e]) => e);
    return {
        project,
        location,
        name: cluster.name,
        endpoint,
        caCertificate: cluster.masterAuth.clusterCaCertificate,
        nodeServiceAccount: account.email,
    };
}
