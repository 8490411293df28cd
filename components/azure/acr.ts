import * as containerregistry from "@pulumi/azure-native/containerregistry";
import * as pulumi from "@pulumi/pulumi";
import { defaultRegistryName } from "./names";
import { TAGS } from "./resourceGroup";
import { RegistrySettings } from "./settings";

/** What the registry component needs from an ACR, created or found. */
export interface AcrHandle {
    /** ARM resource id, e.g. `/subscriptions/…/resourceGroups/…/providers/Microsoft.ContainerRegistry/registries/contosoacr`. */
    id: pulumi.Output<string>;
    name: pulumi.Output<string>;
    /** `contosoacr.azurecr.io`. */
    loginServer: pulumi.Output<string>;
}

/** An ACR owned by the stack; the admin user stays off, since pushes and pulls use Entra identities. */
export function createAcr(
    name: string,
    cfg: Extract<RegistrySettings, { mode: "create" }>,
    resourceGroupName: pulumi.Output<string>,
    subscriptionId: pulumi.Output<string>,
    parent: pulumi.Resource,
): AcrHandle {
    const registryName = cfg.name ?? subscriptionId.apply((sub) => defaultRegistryName(sub, pulumi.getProject(), pulumi.getStack()));
    const acr = new containerregistry.Registry(
        name,
        { registryName, resourceGroupName, location: cfg.location, sku: { name: cfg.sku }, adminUserEnabled: false, tags: TAGS },
        { parent },
    );
    return { id: acr.id, name: acr.name, loginServer: acr.loginServer };
}

/** An existing ACR, looked up by name and resource group (the lookup fails clearly if it is not there). */
export function findAcr(cfg: Extract<RegistrySettings, { mode: "existing" }>, resourceGroupName: pulumi.Output<string>, parent: pulumi.Resource): AcrHandle {
    const found = containerregistry.getRegistryOutput({ registryName: cfg.name, resourceGroupName }, { parent });
    return { id: found.id, name: found.name, loginServer: found.loginServer };
}
