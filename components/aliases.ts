import * as pulumi from "@pulumi/pulumi";

/**
 * Names index.ts gave the registry and cluster components before targets had a setup step. What
 * moved out of those components into a setup keeps its old URN through an alias built from them.
 */
export const REGISTRY_COMPONENT = "registry";
export const CLUSTER_COMPONENT = "cluster";

/**
 * An alias to a resource's old place as child `name` of the component `component` of type
 * `componentType` (itself a child of the stack). A changed parent changes the URN, and without the
 * alias an existing stack would delete the old resource and create a new one.
 */
export function formerChildOf(component: string, componentType: string, name: string): pulumi.Alias {
    return { name, parent: pulumi.createUrn(component, componentType) };
}
