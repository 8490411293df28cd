import * as pulumi from "@pulumi/pulumi";

export interface EksConnection {
    clusterName: string;
    /** API server URL, `https://<id>.<suffix>.<region>.eks.amazonaws.com`. */
    endpoint: string;
    /** Base64 PEM of the cluster's certificate authority. */
    certificateAuthority: string;
    region: string;
    /** Named AWS profile `aws eks get-token` runs with (passed as AWS_PROFILE). */
    profile?: string;
    /** Role `aws eks get-token` assumes (`--role-arn`). */
    roleArn?: string;
}

/** Arguments of the `aws` command that prints a short-lived token for the cluster's API. */
export function getTokenArgs(c: Pick<EksConnection, "clusterName" | "region" | "roleArn">): string[] {
    const args = ["eks", "get-token", "--cluster-name", c.clusterName, "--region", c.region];
    return c.roleArn === undefined ? args : [...args, "--role-arn", c.roleArn];
}

/**
 * A kubeconfig (JSON, which is YAML) for an EKS cluster. It holds no credential: its user runs
 * `aws eks get-token` for every connection, so it never expires the way a copied token would.
 */
export function eksKubeconfig(c: EksConnection): string {
    const name = `eks-${c.clusterName}`;
    return JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name, cluster: { server: c.endpoint, "certificate-authority-data": c.certificateAuthority } }],
        contexts: [{ name, context: { cluster: name, user: name } }],
        "current-context": name,
        users: [
            {
                name,
                user: {
                    exec: {
                        apiVersion: "client.authentication.k8s.io/v1beta1",
                        command: "aws",
                        args: getTokenArgs(c),
                        env: c.profile === undefined ? null : [{ name: "AWS_PROFILE", value: c.profile }],
                        interactiveMode: "Never",
                    },
                },
            },
        ],
    });
}

/** The kubeconfig as a secret Output, once every part of the connection is known. */
export function eksKubeconfigOutput(connection: pulumi.Output<EksConnection>): pulumi.Output<string> {
    return pulumi.secret(connection.apply(eksKubeconfig));
}
