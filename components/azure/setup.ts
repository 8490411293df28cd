import * as resources from "@pulumi/azure-native/resources";
import * as pulumi from "@pulumi/pulumi";
import { AzureSettings, GroupRef } from "./settings";
import { TAGS } from "./tags";

/** What the registry and the cluster of target aks share: the settings and the stack's resource group. */
export interface AzureTarget {
    settings: AzureSettings;
    /**
     * The name of `ref` as an input for resources placed in it. For the group stevedore creates,
     * the name comes from the ResourceGroup resource, so everything placed in it waits for it.
     */
    groupName(ref: GroupRef): pulumi.Output<string>;
}

/** The one group stevedore creates, if any: registry and cluster refer to the same shared group. */
function groupToCreate(settings: AzureSettings): GroupRef | undefined {
    return [settings.registry.resourceGroup, settings.cluster.resourceGroup].find((ref) => ref.createIn !== undefined);
}

/**
 * The target's setup: the resource group registry and cluster share, when stevedore creates it.
 * It used to be an unparented `resource-group` kept in module state; now it is a child of this
 * component, and the alias (no parent before) keeps an existing stack's group from being replaced.
 */
export class AzureSetup extends pulumi.ComponentResource implements AzureTarget {
    public readonly settings: AzureSettings;
    private readonly created: resources.ResourceGroup | undefined;

    constructor(name: string, settings: AzureSettings, opts?: pulumi.ComponentResourceOptions) {
        super("stevedore:azure:Setup", name, {}, opts);
        this.settings = settings;
        const ref = groupToCreate(settings);
        this.created =
            ref?.createIn === undefined
                ? undefined
                : new resources.ResourceGroup(
                      "resource-group",
                      { resourceGroupName: ref.name, location: ref.createIn, tags: TAGS },
                      { parent: this, aliases: [{ parent: pulumi.rootStackResource }] },
                  );
        this.registerOutputs({});
    }

    public groupName(ref: GroupRef): pulumi.Output<string> {
        return ref.createIn === undefined || this.created === undefined ? pulumi.output(ref.name) : this.created.name;
    }
}
