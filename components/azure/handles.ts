import * as pulumi from "@pulumi/pulumi";

/** What the registry component needs from an ACR, created or found. */
export interface AcrHandle {
    /** ARM resource id, e.g. `/subscriptions/…/resourceGroups/…/providers/Microsoft.ContainerRegistry/registries/contosoacr`. */
    id: pulumi.Output<string>;
    name: pulumi.Output<string>;
    /** `contosoacr.azurecr.io`. */
    loginServer: pulumi.Output<string>;
}

/** What the cluster component needs from an AKS cluster, created or found. */
export interface AksHandle {
    id: pulumi.Output<string>;
    name: pulumi.Output<string>;
    /** Object id of the kubelet identity (`identityProfile.kubeletidentity.objectId`). */
    kubeletObjectId: pulumi.Output<string>;
}
