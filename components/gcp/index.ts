import { TargetModule } from "../contracts";
import { GkeCluster } from "./cluster";
import { ArtifactRegistry } from "./registry";
import { GcpSettings } from "./settings";

/** `stevedore:target: gke`: an Artifact Registry Docker repository and a GKE cluster. */
export const createRegistry: TargetModule<GcpSettings>["createRegistry"] = (name, args, settings, opts) =>
    new ArtifactRegistry(name, args, settings, opts);

export const createCluster: TargetModule<GcpSettings>["createCluster"] = (name, args, settings, opts) =>
    new GkeCluster(name, args, settings, opts);
