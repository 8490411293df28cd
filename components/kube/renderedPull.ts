import * as pulumi from "@pulumi/pulumi";
import { Cluster, PullAccess, PullGrant } from "../contracts";
import { PULL_SECRET_NAME } from "./pullSecret";

/**
 * The pull grant of a stack in render mode. The renderer writes every object to disk in plain text,
 * so a pull Secret would put the registry password into the manifests a GitOps repository commits:
 * the Deployments name the Secret and the cluster's own secret tooling creates it. IAM grants are
 * cloud resources, not manifests, and are made as in any stack.
 */
export function renderModePull(cluster: Cluster, access: PullAccess, namespace: pulumi.Output<string>): PullGrant {
    if (access.kind !== "pullSecret") return cluster.grantPull(access, namespace);
    // Server and user name only: the password never reaches a log line.
    pulumi
        .all([namespace, access.credentials.apply((c) => ({ server: c.server, username: c.username }))])
        .apply(([ns, c]) =>
            pulumi.log.warn(
                `render mode: the pull Secret ${PULL_SECRET_NAME} is not rendered (it would hold the registry password in plain text); ` +
                    `create it in the cluster, e.g. kubectl -n ${ns} create secret docker-registry ${PULL_SECRET_NAME} ` +
                    `--docker-server=${c.server} --docker-username=${c.username} --docker-password=<password>, or with your secrets operator`,
            ),
        );
    return { dependsOn: [], imagePullSecrets: [pulumi.output(PULL_SECRET_NAME)] };
}
