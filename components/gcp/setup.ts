import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { CLUSTER_COMPONENT, formerChildOf } from "../aliases";
import { gcpProvider } from "./provider";
import { GcpSettings } from "./settings";

/** What the registry and the cluster of target gke share: the settings and one GCP provider. */
export interface GcpTarget {
    settings: GcpSettings;
    provider: gcp.Provider;
}

/**
 * The target's setup: one GCP provider for the registry and the cluster. It used to be two
 * identical ones (`registry-gcp`, `cluster-gcp`), each a child of its component. The alias keeps
 * the cluster's provider identity, so the GKE cluster of an existing stack sees no provider change;
 * the repository moves to this provider with the same config, which Pulumi's provider diff
 * (DiffConfig) treats as no replacement.
 */
export class GcpSetup extends pulumi.ComponentResource implements GcpTarget {
    public readonly settings: GcpSettings;
    public readonly provider: gcp.Provider;

    constructor(name: string, settings: GcpSettings, opts?: pulumi.ComponentResourceOptions) {
        super("stevedore:gcp:Setup", name, {}, opts);
        this.settings = settings;
        this.provider = gcpProvider(`${name}-gcp`, settings, this, [
            formerChildOf(CLUSTER_COMPONENT, "stevedore:gcp:Cluster", "cluster-gcp"),
        ]);
        this.registerOutputs({});
    }
}
