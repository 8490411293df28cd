import * as containerregistry from "@pulumi/azure-native/containerregistry";
import * as pulumi from "@pulumi/pulumi";
import { AcrHandle } from "./handles";
import { RegistrySettings } from "./settings";

/** An existing ACR, looked up by name and resource group (the lookup fails clearly if it is not there). */
export function existingAcr(
    cfg: Extract<RegistrySettings, { mode: "existing" }>,
    resourceGroupName: pulumi.Output<string>,
    parent: pulumi.Resource,
): AcrHandle {
    const found = containerregistry.getRegistryOutput({ registryName: cfg.name, resourceGroupName }, { parent });
    return { id: found.id, name: found.name, loginServer: found.loginServer };
}
