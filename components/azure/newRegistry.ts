import * as containerregistry from "@pulumi/azure-native/containerregistry";
import * as pulumi from "@pulumi/pulumi";
import { AcrHandle } from "./handles";
import { defaultRegistryName } from "./names";
import { RegistrySettings } from "./settings";
import { TAGS } from "./tags";

/** An ACR owned by the stack; the admin user stays off, since pushes and pulls use Entra identities. */
export function newAcr(
    name: string,
    cfg: Extract<RegistrySettings, { mode: "create" }>,
    resourceGroupName: pulumi.Output<string>,
    subscriptionId: pulumi.Output<string>,
    parent: pulumi.Resource,
): AcrHandle {
    const registryName =
        cfg.name ?? subscriptionId.apply((sub) => defaultRegistryName(sub, pulumi.getProject(), pulumi.getStack()));
    const acr = new containerregistry.Registry(
        name,
        {
            registryName,
            resourceGroupName,
            location: cfg.location,
            sku: { name: cfg.sku },
            adminUserEnabled: false,
            // Only when set, so a registry made before the key existed sees no change.
            policies:
                cfg.armAudienceTokens === undefined
                    ? undefined
                    : {
                          azureADAuthenticationAsArmPolicy: {
                              status: cfg.armAudienceTokens ? "enabled" : "disabled",
                          },
                      },
            tags: TAGS,
        },
        { parent },
    );
    return { id: acr.id, name: acr.name, loginServer: acr.loginServer };
}
