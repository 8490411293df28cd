import * as authorization from "@pulumi/azure-native/authorization";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterArgs, IamCloud, IamPullOf } from "../contracts";
import { ClusterBase } from "../kube/clusterBase";
import { clusterProvider } from "../kube/provider";
import { existingAksCluster } from "./existingCluster";
import { userKubeconfig } from "./kubeconfig";
import { newAksCluster } from "./newCluster";
import { AzureTarget } from "./setup";

/** An AKS cluster, attached by name or created; it pulls from ACR through its kubelet identity. */
export class AksCluster extends ClusterBase<"azure"> {
    public readonly provider: k8s.Provider;
    /** Name of the AKS cluster. */
    public readonly clusterName: pulumi.Output<string>;
    /** ARM resource id of the cluster. */
    public readonly clusterId: pulumi.Output<string>;
    /** Object id of the kubelet identity, the principal that gets AcrPull. */
    public readonly kubeletObjectId: pulumi.Output<string>;
    /** Cluster-user kubeconfig, as a secret; undefined in render mode, which talks to no cluster. */
    public readonly kubeconfig: pulumi.Output<string> | undefined;
    private readonly createsAcrPull: boolean;

    constructor(name: string, args: ClusterArgs, target: AzureTarget, opts?: pulumi.ComponentResourceOptions) {
        super("stevedore:azure:Cluster", name, opts);
        const cfg = target.settings.cluster;
        this.createsAcrPull = cfg.mode === "create" || cfg.grantAcrPull;
        const group = target.groupName(cfg.resourceGroup);
        const aks =
            cfg.mode === "create"
                ? newAksCluster(`${name}-aks`, cfg, group, this)
                : existingAksCluster(cfg, group, this);
        this.clusterName = aks.name;
        this.clusterId = aks.id;
        this.kubeletObjectId = aks.kubeletObjectId;

        this.kubeconfig = args.renderDir === undefined ? userKubeconfig(group, aks.name, this) : undefined;
        this.provider = clusterProvider(
            `${name}-k8s`,
            { kubeconfig: this.kubeconfig, renderDir: args.renderDir },
            this,
        );
        this.registerOutputs({
            clusterName: this.clusterName,
            clusterId: this.clusterId,
            kubeletObjectId: this.kubeletObjectId,
        });
    }

    protected override readonly iamCloud = "azure" as const;

    protected refuseIam(cloud: IamCloud): Error {
        return new pulumi.ResourceError(
            `an AKS cluster cannot apply a ${cloud} IAM grant; use a registry in Azure, or one reachable with a pull secret`,
            this,
        );
    }

    /**
     * AcrPull (or whatever role `access` names) for the kubelet identity, on the registry only; nothing
     * when `cluster.grantAcrPull` is false because the assignment exists outside this stack.
     */
    protected override grantIam(access: IamPullOf<"azure">): pulumi.Resource[] {
        if (!this.createsAcrPull) return [];
        const assignment = new authorization.RoleAssignment(
            `${this.baseName}-acr-pull`,
            {
                principalId: this.kubeletObjectId,
                // Set explicitly so ARM does not look the principal up in Entra ID, which can lag behind a new cluster.
                principalType: "ServicePrincipal",
                roleDefinitionId: access.roleDefinitionId,
                scope: access.registryId,
                description: "stevedore: lets the AKS kubelet identity pull this stack's images",
            },
            { parent: this },
        );
        return [assignment];
    }
}
