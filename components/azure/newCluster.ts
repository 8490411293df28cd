import * as containerservice from "@pulumi/azure-native/containerservice";
import * as pulumi from "@pulumi/pulumi";
import { AksHandle } from "./handles";
import { kubeletObjectId } from "./kubelet";
import { defaultClusterName, dnsPrefixFor } from "./names";
import { ClusterSettings } from "./settings";
import { TAGS } from "./tags";

/**
 * An AKS cluster owned by the stack: system-assigned identity, Kubernetes RBAC, and one
 * autoscaling system node pool.
 */
export function newAksCluster(
    name: string,
    cfg: Extract<ClusterSettings, { mode: "create" }>,
    resourceGroupName: pulumi.Output<string>,
    parent: pulumi.Resource,
): AksHandle {
    const clusterName = cfg.name ?? defaultClusterName(pulumi.getProject(), pulumi.getStack());
    const pool = cfg.nodePool;
    const cluster = new containerservice.ManagedCluster(
        name,
        {
            resourceName: clusterName,
            resourceGroupName,
            location: cfg.location,
            dnsPrefix: dnsPrefixFor(clusterName),
            kubernetesVersion: cfg.kubernetesVersion,
            enableRBAC: true,
            identity: { type: "SystemAssigned" },
            agentPoolProfiles: [
                {
                    name: "system",
                    mode: "System",
                    osType: "Linux",
                    type: "VirtualMachineScaleSets",
                    vmSize: pool.vmSize,
                    enableAutoScaling: true,
                    minCount: pool.minCount,
                    maxCount: pool.maxCount,
                    count: pool.minCount,
                },
            ],
            tags: TAGS,
        },
        // The autoscaler moves `count` between min and max; that is not drift to undo.
        { parent, ignoreChanges: ["agentPoolProfiles[0].count"] },
    );
    return {
        id: cluster.id,
        name: cluster.name,
        kubeletObjectId: pulumi
            .all([cluster.name, cluster.identityProfile])
            .apply(([n, p]) => kubeletObjectId(n, p, parent)),
    };
}
