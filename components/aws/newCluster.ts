import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { adminAccess } from "./adminAccess";
import { amiTypeFor, architectureOf } from "./architecture";
import { EksNetwork } from "./network";
import { EksRoles } from "./roles";
import { ClusterSettings } from "./settings";

type CreateSettings = Extract<ClusterSettings, { mode: "create" }>;

export interface NewEksClusterArgs {
    settings: CreateSettings;
    region: string;
    partition: pulumi.Output<string>;
    provider: aws.Provider;
}

/**
 * A new EKS cluster from plain AWS resources: a network (or the given subnets), the cluster and
 * node IAM roles, the control plane and one managed node group.
 */
export class NewEksCluster extends pulumi.ComponentResource {
    /** Name of the EKS cluster. */
    public readonly clusterName: pulumi.Output<string>;
    /** API server endpoint. */
    public readonly endpoint: pulumi.Output<string>;
    /** Base64 PEM of the cluster's certificate authority. */
    public readonly certificateAuthority: pulumi.Output<string>;
    /** Name of the nodes' IAM role. */
    public readonly nodeRoleName: pulumi.Output<string>;
    /**
     * Known once the nodes have joined and `authRoleArn` (when set) is cluster admin, so readers of
     * it (the kubeconfig) wait for both.
     */
    public readonly ready: pulumi.Output<string>;

    constructor(name: string, args: NewEksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("stevedore:aws:NewCluster", name, {}, opts);
        const { settings, provider } = args;
        const childOpts = { parent: this, provider };

        const subnetIds =
            settings.subnetIds ??
            new EksNetwork(
                `${name}-net`,
                { clusterName: settings.name, region: args.region, provider },
                { parent: this },
            ).subnetIds;
        const roles = new EksRoles(
            `${name}-roles`,
            { clusterName: settings.name, region: args.region, partition: args.partition, provider },
            { parent: this },
        );

        const cluster = new aws.eks.Cluster(
            `${name}-eks`,
            {
                name: settings.name,
                version: settings.version,
                roleArn: roles.clusterRoleArn,
                vpcConfig: { subnetIds, endpointPublicAccess: true, endpointPrivateAccess: true },
                // Access entries instead of the aws-auth ConfigMap; whoever runs `pulumi up` becomes cluster admin.
                accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true },
                upgradePolicy: { supportType: settings.supportType },
                tags: { "managed-by": "stevedore" },
            },
            { ...childOpts, dependsOn: roles.clusterPolicies },
        );

        const sizes = settings.nodeGroup;
        const nodeGroup = new aws.eks.NodeGroup(
            `${name}-nodes`,
            {
                clusterName: cluster.name,
                // The control plane's version (read after its update), so a new cluster.version upgrades the nodes too.
                version: cluster.version,
                nodeRoleArn: roles.nodeRoleArn,
                subnetIds,
                instanceTypes: sizes.instanceTypes,
                amiType: amiTypeFor(architectureOf(sizes.instanceTypes[0] ?? "")),
                scalingConfig: { minSize: sizes.minSize, desiredSize: sizes.desiredSize, maxSize: sizes.maxSize },
                // One node at a time, so a node-group update never takes more than one node's pods down.
                updateConfig: { maxUnavailable: 1 },
                tags: { "managed-by": "stevedore" },
            },
            // Nodes that start before their role's policies are attached never join the cluster.
            { ...childOpts, dependsOn: roles.nodePolicies },
        );

        this.clusterName = cluster.name;
        this.endpoint = cluster.endpoint;
        this.certificateAuthority = cluster.certificateAuthority.data;
        this.nodeRoleName = roles.nodeRoleName;
        const access =
            settings.authRoleArn === undefined
                ? undefined
                : adminAccess(
                      `${name}-auth-role`,
                      { clusterName: cluster.name, principalArn: settings.authRoleArn, partition: args.partition },
                      childOpts,
                  );
        this.ready = pulumi.all([nodeGroup.status, access?.id]).apply(([status]) => status);
        this.registerOutputs({
            clusterName: this.clusterName,
            endpoint: this.endpoint,
            nodeRoleName: this.nodeRoleName,
        });
    }
}
