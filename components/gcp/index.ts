import { TargetModule } from "../contracts";
import { GkeCluster } from "./cluster";
import { ArtifactRegistry } from "./registry";
import { GcpSettings } from "./settings";
import { GcpSetup, GcpTarget } from "./setup";

type Module = TargetModule<GcpSettings, GcpTarget>;

/** `stevedore:target: gke`: an Artifact Registry Docker repository and a GKE cluster, through one GCP provider. */
export const setup: Module["setup"] = (name, settings, opts) => new GcpSetup(name, settings, opts);

export const createRegistry: Module["createRegistry"] = (name, args, target, opts) =>
    new ArtifactRegistry(name, args, target, opts);

export const createCluster: Module["createCluster"] = (name, args, target, opts) =>
    new GkeCluster(name, args, target, opts);
