import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterArgs, IamCloud } from "../contracts";
import { ClusterBase } from "../kube/clusterBase";
import { clusterProvider } from "../kube/provider";
import { KubeconfigClusterSettings } from "./settings";

/**
 * Any cluster a kubeconfig reaches: a file path, inline contents from `stevedore:kubeconfig`
 * (a secret), or the default KUBECONFIG / ~/.kube/config lookup, optionally with a context.
 * stevedore does not know which cloud (if any) runs it, so it can only use anonymous pulls and
 * pull Secrets, never a cloud IAM grant.
 */
export class KubeconfigCluster extends ClusterBase {
    public readonly provider: k8s.Provider;

    constructor(
        name: string,
        args: ClusterArgs,
        settings: KubeconfigClusterSettings,
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super("stevedore:generic:KubeconfigCluster", name, opts);
        // Inline contents are secret in state; a path keeps the credentials in the user's file, out of the state.
        const kubeconfig = args.kubeconfig === undefined ? settings.path : pulumi.secret(args.kubeconfig);
        this.provider = clusterProvider(
            `${name}-k8s`,
            { kubeconfig, context: settings.context, renderDir: args.renderDir },
            this,
        );
        this.registerOutputs({});
    }

    protected refuseIam(cloud: IamCloud): Error {
        return new pulumi.RunError(
            `the kubeconfig cluster (stevedore:cluster kind "kubeconfig") cannot grant its nodes the IAM role that pulling from the ${cloud} registry needs: ` +
                `stevedore does not know which cloud identity those nodes run as. Use a pull secret instead: set stevedore:registry ` +
                `{kind: generic, address: <that registry>/<namespace>, pull: secret} with stevedore:pullUsername and stevedore:pullPassword (--secret, a read-only token), ` +
                `or deploy to the ${cloud} target's own cluster`,
        );
    }
}
