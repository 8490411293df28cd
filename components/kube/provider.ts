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

/** The Kubernetes provider for a cluster, or the renderer that writes YAML for GitOps in render mode. */
export function clusterProvider(name: string, inputs: ConnectionInputs, parent: pulumi.Resource): k8s.Provider {
    if (inputs.renderDir !== undefined) {
        return new k8s.Provider(name, { renderYamlToDirectory: inputs.renderDir }, { parent });
    }
    return new k8s.Provider(name, { kubeconfig: inputs.kubeconfig, context: inputs.context }, { parent });
}
