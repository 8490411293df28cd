import * as containerservice from "@pulumi/azure-native/containerservice";
import * as pulumi from "@pulumi/pulumi";
import { AksHandle } from "./handles";
import { kubeletObjectId } from "./kubelet";
import { ClusterSettings } from "./settings";

/** An existing AKS cluster, looked up by name and resource group. */
export function existingAksCluster(
    cfg: Extract<ClusterSettings, { mode: "existing" }>,
    resourceGroupName: pulumi.Output<string>,
    parent: pulumi.Resource,
): AksHandle {
    const found = containerservice.getManagedClusterOutput({ resourceGroupName, resourceName: cfg.name }, { parent });
    const kubelet = found.apply((c) => {
        if (c.aadProfile !== undefined) {
            void pulumi.log.info(
                `AKS cluster ${cfg.name} uses Microsoft Entra ID: its kubeconfig runs kubelogin; set AAD_LOGIN_METHOD=azurecli (see docs/targets/aks.md)`,
                parent,
            );
        }
        return kubeletObjectId(cfg.name, c.identityProfile, parent);
    });
    return { id: found.id, name: found.name, kubeletObjectId: kubelet };
}
