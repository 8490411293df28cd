import { TargetModule } from "../contracts";
import { LocalCluster } from "./cluster";
import { LocalRegistry } from "./registry";
import { LocalSettings } from "./settings";

type Module = TargetModule<LocalSettings, LocalSettings>;

/** `stevedore:target: local`: a registry and a cluster on the developer's machine; they share nothing, so setup creates nothing. */
export const setup: Module["setup"] = (_name, settings) => settings;

export const createRegistry: Module["createRegistry"] = (name, args, settings, opts) =>
    new LocalRegistry(name, args, settings, opts);

export const createCluster: Module["createCluster"] = (name, args, settings, opts) =>
    new LocalCluster(name, args, settings, opts);
