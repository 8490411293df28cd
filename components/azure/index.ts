import { TargetModule } from "../contracts";
import { AksCluster } from "./cluster";
import { AcrRegistry } from "./registry";
import { AzureSettings } from "./settings";
import { AzureSetup, AzureTarget } from "./setup";

type Module = TargetModule<AzureSettings, AzureTarget>;

/** `stevedore:target: aks`: an Azure Container Registry and an AKS cluster pulling from it by identity, in a shared resource group. */
export const setup: Module["setup"] = (name, settings, opts) => new AzureSetup(name, settings, opts);

export const createRegistry: Module["createRegistry"] = (name, args, target, opts) =>
    new AcrRegistry(name, args, target, opts);

export const createCluster: Module["createCluster"] = (name, args, target, opts) =>
    new AksCluster(name, args, target, opts);
