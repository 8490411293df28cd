import * as pulumi from "@pulumi/pulumi";

/** Built-in role "AcrPull": pull images from a registry. The GUID is the same in every Azure tenant. */
export const ACR_PULL = "7f951dda-4ed3-4680-a7ca-43fe172d538d";
/** Built-in role "AcrPush": push and pull images. */
export const ACR_PUSH = "8311e382-0749-4cb8-b61a-304f252e45ec";

/** Full role definition id of a built-in role as seen from `subscriptionId`, the form role assignments take. */
export function roleDefinitionId(subscriptionId: pulumi.Input<string>, role: string): pulumi.Output<string> {
    return pulumi.interpolate`/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${role}`;
}
