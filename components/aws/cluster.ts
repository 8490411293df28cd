import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterArgs, IamCloud, IamPullOf } from "../contracts";
import { ClusterBase } from "../kube/clusterBase";
import { clusterProvider } from "../kube/provider";
import { existingEksCluster } from "./existingCluster";
import { EksConnection, eksKubeconfigOutput } from "./kubeconfig";
import { NewEksCluster } from "./newCluster";
import { partitionOf } from "./provider";
import { AwsTarget } from "./setup";

/**
 * An EKS cluster: one stevedore attaches to by name, or one it creates. Kubernetes access goes
 * through `aws eks get-token`; pulls from ECR go through the nodes' IAM role.
 */
export class EksCluster extends ClusterBase<"aws"> {
    public readonly provider: k8s.Provider;
    /** Name of the EKS cluster. */
    public readonly clusterName: pulumi.Output<string>;
    /** Kubeconfig whose user runs `aws eks get-token` (secret); undefined in render mode. */
    public readonly kubeconfig: pulumi.Output<string> | undefined;
    /** IAM role of the nodes, where pull grants go; undefined when attaching without `nodeRoleName`. */
    public readonly nodeRoleName: pulumi.Output<string> | undefined;
    private readonly aws: aws.Provider;
    /** Whether the node role is stevedore's own (create mode), so its attachments are stevedore's to remove. */
    private readonly ownsNodeRole: boolean;
    private grantCount = 0;

    constructor(name: string, args: ClusterArgs, target: AwsTarget, opts?: pulumi.ComponentResourceOptions) {
        super("stevedore:aws:Cluster", name, opts);
        this.aws = target.provider;
        const { settings } = target;
        const cfg = settings.cluster;
        this.ownsNodeRole = cfg.mode === "create";
        const identity = { region: settings.region, profile: settings.profile, roleArn: cfg.authRoleArn };

        let connection: pulumi.Output<EksConnection> | undefined;
        if (cfg.mode === "existing") {
            this.clusterName = pulumi.output(cfg.name);
            this.nodeRoleName = cfg.nodeRoleName === undefined ? undefined : pulumi.output(cfg.nodeRoleName);
            if (args.renderDir === undefined) {
                connection = existingEksCluster(cfg.name, identity, { parent: this, provider: this.aws });
            }
        } else {
            const created = new NewEksCluster(
                `${name}-new`,
                {
                    settings: cfg,
                    region: settings.region,
                    partition: partitionOf(this.aws, this).partition,
                    provider: this.aws,
                },
                { parent: this },
            );
            this.clusterName = created.clusterName;
            this.nodeRoleName = created.nodeRoleName;
            if (args.renderDir === undefined) {
                // Reading `ready` makes every Kubernetes object wait for the nodes and for authRoleArn's access.
                connection = pulumi
                    .all([created.clusterName, created.endpoint, created.certificateAuthority, created.ready])
                    .apply(([clusterName, endpoint, certificateAuthority]) => ({
                        ...identity,
                        clusterName,
                        endpoint,
                        certificateAuthority,
                    }));
            }
        }

        this.kubeconfig = connection === undefined ? undefined : eksKubeconfigOutput(connection);
        this.provider = clusterProvider(
            `${name}-k8s`,
            { kubeconfig: this.kubeconfig, renderDir: args.renderDir },
            this,
        );
        this.registerOutputs({
            clusterName: this.clusterName,
            kubeconfig: this.kubeconfig,
            nodeRoleName: this.nodeRoleName,
        });
    }

    protected override readonly iamCloud = "aws" as const;

    protected refuseIam(cloud: IamCloud): Error {
        return new pulumi.ResourceError(
            `an EKS cluster cannot apply a ${cloud} IAM grant; with stevedore:target eks the registry is ECR`,
            this,
        );
    }

    /** Attaches the registry's ECR policy to the node role, or, without a node role, says what the user must attach. */
    protected override grantIam(access: IamPullOf<"aws">): pulumi.Resource[] {
        if (this.nodeRoleName === undefined) {
            // Only values known at preview time, so `pulumi preview` shows the warning too.
            pulumi
                .all([this.clusterName, access.policyArn])
                .apply(([cluster, role]) =>
                    pulumi.log.warn(
                        `EKS cluster ${cluster}: stevedore did not grant the nodes pull access, because stevedore:aws.cluster.nodeRoleName is not set. ` +
                            `Attach the policy ${role} to the cluster's node IAM role (aws iam attach-role-policy --role-name <node-role> --policy-arn ${role}), ` +
                            `or set nodeRoleName so stevedore attaches it. Without it, pods pulling from ECR fail with ImagePullBackOff.`,
                        this,
                    ),
                );
            return [];
        }
        const suffix = this.grantCount++ === 0 ? "" : `-${this.grantCount}`;
        return [
            new aws.iam.RolePolicyAttachment(
                `${this.baseName}-pull${suffix}`,
                { role: this.nodeRoleName, policyArn: access.policyArn },
                // An existing node role usually had this policy before stevedore (EKS's node role
                // guide lists it), and other workloads pull through it: destroy must not detach it.
                { parent: this, provider: this.aws, retainOnDelete: !this.ownsNodeRole },
            ),
        ];
    }
}
