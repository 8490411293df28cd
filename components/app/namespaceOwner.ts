import * as pulumi from "@pulumi/pulumi";

/** A change of `stevedore:namespaceScoped` that would delete or adopt a namespace. A RunError: the CLI prints the message alone. */
export class NamespaceOwnerError extends pulumi.RunError {
    constructor(message: string) {
        super(message);
        this.name = "NamespaceOwnerError";
        this.stack = `${this.name}: ${this.message}`;
    }
}

/**
 * Refuses to flip `stevedore:namespaceScoped` on a stack that already deployed to the same
 * namespace. On: the Namespace this stack made would leave the program, and Pulumi would delete
 * it with every app in it. Off: stevedore would take over a namespace someone else owns and
 * delete it on destroy. `previous` is the stack's last outputs (empty for a new stack); a render
 * mode stack made no namespace on any cluster.
 */
export function checkNamespaceOwner(
    previous: Record<string, unknown>,
    config: { namespace: string; namespaceScoped: boolean },
): void {
    if (previous.namespace !== config.namespace || previous.renderedTo !== undefined) return;
    const wasScoped = previous.namespaceScoped === true;
    if (config.namespaceScoped && !wasScoped)
        throw new NamespaceOwnerError(
            `stevedore:namespaceScoped = true: this stack created namespace "${config.namespace}" in an earlier up; ` +
                "turning namespaceScoped on would make Pulumi delete that Namespace and every app in it. " +
                "Keep it off for this stack, or give the namespace-scoped deployer a stack of its own (`pulumi stack init`).",
        );
    if (!config.namespaceScoped && wasScoped)
        throw new NamespaceOwnerError(
            `stevedore:namespaceScoped = false: this stack deployed into the existing namespace "${config.namespace}", which it does not own; ` +
                "turning namespaceScoped off would make stevedore take the Namespace over and delete it on destroy. " +
                "Keep it on, or set stevedore:namespace to a namespace this stack may create.",
        );
}
