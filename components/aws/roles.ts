import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { managedPolicyArn } from "./provider";

export interface EksRolesArgs {
    clusterName: string;
    region: string;
    /** Partition name from getPartition, for the ARNs of AWS-managed policies. */
    partition: pulumi.Output<string>;
    provider: aws.Provider;
}

/** Policies the EKS control plane's role needs. */
const CLUSTER_POLICIES = ["AmazonEKSClusterPolicy"];

/**
 * Policies a managed node needs to join the cluster and run the VPC CNI. Pulling EKS's own add-on
 * images (aws-node, kube-proxy, pause) from AWS's ECR accounts happens before any stevedore grant
 * exists, so the narrowest pull-only ECR policy is part of the baseline; the registry's grant is
 * attached separately by the cluster's grantIam.
 */
const NODE_POLICIES = ["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryPullOnly"];

function trustPolicy(principal: string, actions: string[]): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: principal }, Action: actions }],
    });
}

/** The IAM role of a new EKS cluster and the IAM role of its nodes, with their AWS-managed policies. */
export class EksRoles extends pulumi.ComponentResource {
    /** ARN of the role the EKS control plane assumes. */
    public readonly clusterRoleArn: pulumi.Output<string>;
    /** ARN of the role the nodes' instance profile carries. */
    public readonly nodeRoleArn: pulumi.Output<string>;
    /** Name of the node role, where pull grants are attached. */
    public readonly nodeRoleName: pulumi.Output<string>;
    /** Policy attachments the cluster and node group must wait for. */
    public readonly clusterPolicies: pulumi.Resource[];
    public readonly nodePolicies: pulumi.Resource[];

    constructor(name: string, args: EksRolesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("stevedore:aws:Roles", name, {}, opts);
        const childOpts = { parent: this, provider: args.provider };
        // AWS names each service's principal per partition (ec2.amazonaws.com.cn in China), so ask rather than assume.
        const principal = (serviceName: string) =>
            aws.getServicePrincipalOutput({ serviceName, region: args.region }, childOpts).name;
        const tags = { "managed-by": "stevedore", "stevedore-cluster": args.clusterName };

        const clusterRole = new aws.iam.Role(
            `${name}-cluster`,
            {
                assumeRolePolicy: principal("eks").apply((p) => trustPolicy(p, ["sts:AssumeRole", "sts:TagSession"])),
                tags,
            },
            childOpts,
        );
        const nodeRole = new aws.iam.Role(
            `${name}-node`,
            { assumeRolePolicy: principal("ec2").apply((p) => trustPolicy(p, ["sts:AssumeRole"])), tags },
            childOpts,
        );

        const attach = (role: aws.iam.Role, kind: string, policy: string) =>
            new aws.iam.RolePolicyAttachment(
                `${name}-${kind}-${policy}`,
                { role: role.name, policyArn: managedPolicyArn(args.partition, policy) },
                childOpts,
            );
        this.clusterPolicies = CLUSTER_POLICIES.map((p) => attach(clusterRole, "cluster", p));
        this.nodePolicies = NODE_POLICIES.map((p) => attach(nodeRole, "node", p));

        this.clusterRoleArn = clusterRole.arn;
        this.nodeRoleArn = nodeRole.arn;
        this.nodeRoleName = nodeRole.name;
        this.registerOutputs({
            clusterRoleArn: this.clusterRoleArn,
            nodeRoleArn: this.nodeRoleArn,
            nodeRoleName: this.nodeRoleName,
        });
    }
}
