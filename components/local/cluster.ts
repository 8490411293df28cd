import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterArgs, IamCloud } from "../contracts";
import { ClusterBase } from "../kube/clusterBase";
import { clusterProvider } from "../kube/provider";
import { LocalSettings } from "./settings";

/** A cluster on the developer's machine (kind, minikube, Docker Desktop), reached through a kubeconfig. */
export class LocalCluster extends ClusterBase {
    public readonly provider: k8s.Provider;

    constructor(name: string, args: ClusterArgs, settings: LocalSettings, opts?: pulumi.ComponentResourceOptions) {
        super("stevedore:local:Cluster", name, opts);
        // A path, not the file's contents: the credentials stay in the user's kubeconfig, out of the state.
        this.provider = clusterProvider(
            `${name}-k8s`,
            { kubeconfig: settings.kubeconfig, context: settings.context, renderDir: args.renderDir },
            this,
        );
        this.registerOutputs({});
    }

    protected refuseIam(cloud: IamCloud): Error {
        return new pulumi.ResourceError(
            `the local cluster cannot apply a ${cloud} IAM grant; use a registry it can pull from anonymously or with a pull secret (stevedore:registry, kind generic)`,
            this,
        );
    }
}
