import * as pulumi from "@pulumi/pulumi";

/** What the pack knows about the stack being previewed or updated. */
export interface StackFacts {
    /** Stack name, e.g. `prod`; empty when the engine did not say. */
    stack: string;
    /** The stack's `stevedore:target` (local, aks, eks, gke), when the engine passed the stack config. */
    target: string | undefined;
}

/**
 * Facts from the environment the Pulumi engine gives a policy pack process: it sets the stack name
 * (PULUMI_NODEJS_STACK) and, in the engine versions that do, the stack config (PULUMI_CONFIG).
 * Policies fall back on these only when their own policy config says nothing.
 */
export function runtimeFacts(): StackFacts {
    return { stack: pulumi.getStack(), target: pulumi.runtime.getConfig("stevedore:target") };
}
