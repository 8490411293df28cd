import * as resources from "@pulumi/azure-native/resources";
import * as pulumi from "@pulumi/pulumi";
import { AzureSettings, GroupRef } from "./settings";
import { TAGS } from "./tags";

/** One created resource group per parsed settings (that is, per program run), shared by registry and cluster. */
const created = new WeakMap<AzureSettings, resources.ResourceGroup>();

/**
 * The name of `ref` as an input for resources placed in it. When stevedore creates the group, the
 * name comes from the ResourceGroup resource, so everything placed in it waits for it. The group
 * belongs to the stack, not to the registry or the cluster, so it has no parent component.
 */
export function groupName(settings: AzureSettings, ref: GroupRef): pulumi.Output<string> {
    if (ref.createIn === undefined) return pulumi.output(ref.name);
    let group = created.get(settings);
    if (group === undefined) {
        group = new resources.ResourceGroup("resource-group", { resourceGroupName: ref.name, location: ref.createIn, tags: TAGS });
        created.set(settings, group);
    }
    return group.name;
}
