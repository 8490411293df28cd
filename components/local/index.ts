import { TargetModule } from "../contracts";
import { LocalCluster } from "./cluster";
import { LocalRegistry } from "./registry";
import { LocalSettings } from "./settings";

/** `stevedore:target: local`: a registry and a cluster on the developer's machine. */
export const createRegistry: TargetModule<LocalSettings>["createRegistry"] = (name, args, settings, opts) =>
    new LocalRegistry(name, args, settings, opts);

export const createCluster: TargetModule<LocalSettings>["createCluster"] = (name, args, settings, opts) =>
    new LocalCluster(name, args, settings, opts);
