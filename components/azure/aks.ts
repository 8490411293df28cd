import * as containerservice from "@pulumi/azure-native/containerservice";
import * as pulumi from "@pulumi/pulumi";
import { kubeletObjectId } from "./kubelet";
import { defaultClusterName, dnsPrefixFor } from "./names";
import { TAGS } from "./resourceGroup";
import { ClusterSettings } from "./settings";

/** What the cluster component needs from an AKS cluster, created or found. */
export interface AksHandle {
    id: pulumi.Output<string>;
    name: pulumi.Output<string>;
    /** Object id of the kubelet identity (`identityProfile.kubeletidentity.objectId`). */
    kubeletObjectId: pulumi.Output<string>;
}

/**
 * An AKS cluster owned by the stack: system-assigned identity, Kubernetes RBAC, and one
 * autoscaling system node pool.
 */
export function createAks(name: string, cfg: Extract<ClusterSettings, { mode: "create" }>, resourceGroupName: pulumi.Output<string>, parent: pulumi.Resource): AksHandle {
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
    return { id: cluster.id, name: cluster.name, kubeletObjectId: pulumi.all([cluster.name, cluster.identityProfile]).apply(([n, p]) => kubeletObjectId(n, p)) };
}

/** An existing AKS cluster, looked up by name and resource group. */
export function findAks(cfg: Extract<ClusterSettings, { mode: "existing" }>, resourceGroupName: pulumi.Output<string>, parent: pulumi.Resource): AksHandle {
    const found = containerservice.getManagedClusterOutput({ resourceGroupName, resourceName: cfg.name }, { parent });
    const kubelet = found.apply((c) => {
        if (c.aadProfile !== undefined) {
            void pulumi.log.info(`AKS cluster ${cfg.name} uses Microsoft Entra ID: its kubeconfig runs kubelogin; set AAD_LOGIN_METHOD=azurecli (see docs/targets/aks.md)`, parent);
        }
        return kubeletObjectId(cfg.name, c.identityProfile);
    });
    return { id: found.id, name: found.name, kubeletObjectId: kubelet };
}
