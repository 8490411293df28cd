import { ClusterFactory, RegistryFactory } from "../contracts";
import { KubeconfigCluster } from "./cluster";
import { GenericRegistry } from "./registry";
import { GenericRegistrySettings, KubeconfigClusterSettings } from "./settings";

/** `stevedore:registry: {kind: generic, …}`: an existing registry by address, no cloud SDK. */
export const registryFactory =
    (settings: GenericRegistrySettings): RegistryFactory =>
    (name, args, opts) =>
        new GenericRegistry(name, args, settings, opts);

/** `stevedore:cluster: {kind: kubeconfig, …}`: any cluster a kubeconfig reaches. */
export const clusterFactory =
    (settings: KubeconfigClusterSettings): ClusterFactory =>
    (name, args, opts) =>
        new KubeconfigCluster(name, args, settings, opts);
