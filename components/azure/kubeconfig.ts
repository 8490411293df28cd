import * as containerservice from "@pulumi/azure-native/containerservice";
import * as pulumi from "@pulumi/pulumi";

/** What `listManagedClusterUserCredentials` returns: base64 kubeconfigs. */
interface Credentials {
    kubeconfigs: { name: string; value: string }[];
}

function decode(cluster: string, credentials: Credentials, parent: pulumi.Resource): string {
    const first = credentials.kubeconfigs[0];
    if (first === undefined)
        throw new pulumi.ResourceError(`AKS returned no user kubeconfig for cluster ${cluster}`, parent);
    return Buffer.from(first.value, "base64").toString("utf8");
}

/**
 * The cluster-user kubeconfig of an AKS cluster, decoded and kept secret. `format: exec` only
 * matters on Microsoft Entra ID clusters: their kubeconfig then runs `kubelogin`, which follows
 * AAD_LOGIN_METHOD (e.g. `azurecli`) instead of prompting; local-account clusters ignore it.
 */
export function userKubeconfig(
    resourceGroupName: pulumi.Input<string>,
    clusterName: pulumi.Input<string>,
    parent: pulumi.Resource,
): pulumi.Output<string> {
    const credentials = containerservice.listManagedClusterUserCredentialsOutput(
        { resourceGroupName, resourceName: clusterName, format: "exec" },
        { parent },
    );
    return pulumi.secret(pulumi.all([clusterName, credentials]).apply(([name, creds]) => decode(name, creds, parent)));
}
