import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** EKS access policy that makes a principal cluster admin (what the creator's bootstrap entry carries). */
export const CLUSTER_ADMIN_POLICY = "AmazonEKSClusterAdminPolicy";

export interface AdminAccessArgs {
    clusterName: pulumi.Input<string>;
    /** The role the kubeconfig assumes (`cluster.authRoleArn`). */
    principalArn: string;
    partition: pulumi.Output<string>;
}

/**
 * An access entry with cluster-admin rights for the role stevedore's kubeconfig assumes. With
 * `authenticationMode: API` only the identity that created the cluster gets an entry of its own,
 * so without this one every Kubernetes call as `authRoleArn` answers `Unauthorized`. Returns the
 * association, which Kubernetes objects must wait for.
 */
export function adminAccess(name: string, args: AdminAccessArgs, opts: pulumi.CustomResourceOptions) {
    const entry = new aws.eks.AccessEntry(
        name,
        { clusterName: args.clusterName, principalArn: args.principalArn, tags: { "managed-by": "stevedore" } },
        opts,
    );
    return new aws.eks.AccessPolicyAssociation(
        `${name}-admin`,
        {
            clusterName: entry.clusterName,
            principalArn: entry.principalArn,
            policyArn: pulumi.interpolate`arn:${args.partition}:eks::aws:cluster-access-policy/${CLUSTER_ADMIN_POLICY}`,
            accessScope: { type: "cluster" },
        },
        opts,
    );
}
