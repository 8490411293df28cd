import * as pulumi from "@pulumi/pulumi";

/** What the cluster component needs from a GKE cluster, whether stevedore created it or found it. */
export interface GkeConnection {
    project: string;
    location: string;
    name: pulumi.Output<string>;
    /** Control-plane address; for a created cluster it resolves only once its node pool exists. */
    endpoint: pulumi.Output<string>;
    caCertificate: pulumi.Output<string>;
    /** Email of the service account the nodes (and so the kubelet's image pulls) run as. */
    nodeServiceAccount: pulumi.Output<string>;
    /** Accounts other node pools run as, each granted too; none for a created cluster (one pool). */
    otherNodeServiceAccounts?: pulumi.Output<string[]>;
}

/** Where a Docker repository lives; each field resolves only once the repository exists (or was found). */
export interface RepositoryRef {
    project: pulumi.Output<string>;
    location: pulumi.Output<string>;
    repositoryId: pulumi.Output<string>;
}
