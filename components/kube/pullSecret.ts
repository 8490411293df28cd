import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { RegistryCredentials } from "../contracts";

/** Docker Hub's credential key in a docker config: clients look it up by this URL, not by `docker.io`. */
const DOCKER_HUB_AUTH_KEY = "https://index.docker.io/v1/";

/** The key a kubelet looks credentials up by for `server`. */
export function authKey(server: string): string {
    return ["docker.io", "index.docker.io", "registry-1.docker.io"].includes(server) ? DOCKER_HUB_AUTH_KEY : server;
}

/** The `.dockerconfigjson` document that grants `credentials` for its server. */
export function dockerConfigJson(credentials: RegistryCredentials): string {
    const auth = Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64");
    return JSON.stringify({
        auths: {
            [authKey(credentials.server)]: { username: credentials.username, password: credentials.password, auth },
        },
    });
}

/** The name of the pull Secret in the apps' namespace, which every Deployment of a registry with credentials names. */
export const PULL_SECRET_NAME = "stevedore-pull";

/** A `kubernetes.io/dockerconfigjson` Secret in `namespace`; its content stays a Pulumi secret. */
export function pullSecret(
    name: string,
    namespace: pulumi.Output<string>,
    credentials: pulumi.Output<RegistryCredentials>,
    opts: pulumi.CustomResourceOptions,
): k8s.core.v1.Secret {
    return new k8s.core.v1.Secret(
        name,
        {
            metadata: { name: PULL_SECRET_NAME, namespace, labels: { "app.kubernetes.io/managed-by": "stevedore" } },
            type: "kubernetes.io/dockerconfigjson",
            stringData: { ".dockerconfigjson": pulumi.secret(credentials.apply(dockerConfigJson)) },
        },
        opts,
    );
}
