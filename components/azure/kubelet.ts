import * as pulumi from "@pulumi/pulumi";

/** `identityProfile` of a managed cluster, as ARM returns it. */
export type IdentityProfile = { [key: string]: { objectId?: string } } | undefined;

/**
 * Object id of the cluster's kubelet identity: the principal the nodes pull images as. It is not
 * the cluster's own (control plane) identity, which an AcrPull grant would not help.
 */
export function kubeletObjectId(cluster: string, profile: IdentityProfile, component?: pulumi.Resource): string {
    const objectId = profile?.["kubeletidentity"]?.objectId;
    if (objectId === undefined || objectId === "") {
        throw new pulumi.ResourceError(
            `AKS cluster ${cluster} has no kubelet managed identity (identityProfile.kubeletidentity), so it cannot be granted AcrPull; ` +
                "it probably runs with a service principal: move it to managed identities (`az aks update --enable-managed-identity`, then upgrade the node pools)",
            component,
        );
    }
    return objectId;
}
