import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CLUSTER_COMPONENT, formerChildOf } from "../aliases";
import { awsProvider } from "./provider";
import { AwsSettings } from "./settings";

/** What the registry and the cluster of target eks share: the settings and one AWS provider. */
export interface AwsTarget {
    settings: AwsSettings;
    provider: aws.Provider;
}

/**
 * The target's setup: one AWS provider for the registry and the cluster. It used to be two
 * identical ones (`registry-aws`, `cluster-aws`), each a child of its component. The alias keeps
 * the cluster's provider identity, so resources of an existing stack's cluster see no provider
 * change; the registry's resources move to this provider with the same config, which Pulumi's
 * provider diff (DiffConfig) treats as no replacement.
 */
export class AwsSetup extends pulumi.ComponentResource implements AwsTarget {
    public readonly settings: AwsSettings;
    public readonly provider: aws.Provider;

    constructor(name: string, settings: AwsSettings, opts?: pulumi.ComponentResourceOptions) {
        super("stevedore:aws:Setup", name, {}, opts);
        this.settings = settings;
        this.provider = awsProvider(`${name}-aws`, settings, this, [
            formerChildOf(CLUSTER_COMPONENT, "stevedore:aws:Cluster", "cluster-aws"),
        ]);
        this.registerOutputs({});
    }
}
