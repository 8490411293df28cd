import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export interface ConnectionInputs {
    /** A kubeconfig's contents or a path to one; contents must arrive as a secret Output. */
    kubeconfig?: pulumi.Input<string>;
    /** Context to use inside that kubeconfig. */
    context?: string;
    /** When set, write manifests to this directory instead of talking to a cluster. */
    renderDir?: string;
}

/**
 * The Kubernetes provider of a cluster that keeps the kubeconfig and context it was given, so the
 * namespace-scoped preflight (`kube/preflight.ts`) asks the API server as the same identity.
 */
export class ClusterProvider extends k8s.Provider {
    constructor(
        name: string,
        public readonly connection: { kubeconfig?: pulumi.Input<string>; context?: string },
        parent: pulumi.Resource,
    ) {
        super(name, { kubeconfig: connection.kubeconfig, context: connection.context }, { parent });
    }
}

/** The Kubernetes provider for a cluster, or the renderer that writes YAML for GitOps in render mode. */
export function clusterProvider(name: string, inputs: ConnectionInputs, parent: pulumi.Resource): k8s.Provider {
    if (inputs.renderDir !== undefined) {
        return new k8s.Provider(name, { renderYamlToDirectory: inputs.renderDir }, { parent });
    }
    return new ClusterProvider(name, { kubeconfig: inputs.kubeconfig, context: inputs.context }, parent);
}
