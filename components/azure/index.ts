import { TargetModule } from "../contracts";
import { AksCluster } from "./cluster";
import { AcrRegistry } from "./registry";
import { AzureSettings } from "./settings";

/** `stevedore:target: aks`: an Azure Container Registry and an AKS cluster pulling from it by identity. */
export const createRegistry: TargetModule<AzureSettings>["createRegistry"] = (name, args, settings, opts) =>
    new AcrRegistry(name, args, settings, opts);

export const createCluster: TargetModule<AzureSettings>["createCluster"] = (name, args, settings, opts) =>
    new AksCluster(name, args, settings, opts);
