import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { StackConfig } from "../../config/load";
import { PullAccess } from "../../contracts";
import { ClusterProvider } from "../provider";
import { requiredGrants } from "./grants";
import { checkNamespaceAccess } from "./preflight";

/**
 * The namespace-scoped deployer's check, on `up` only: a preview changes nothing, and render mode
 * talks to no cluster. Awaited by the program before the namespace's objects are registered.
 */
export async function namespaceScopedPreflight(
    config: Pick<StackConfig, "apps" | "namespace" | "networkPolicy" | "renderDir">,
    provider: k8s.Provider,
    pullAccess: PullAccess,
): Promise<void> {
    if (pulumi.runtime.isDryRun() || config.renderDir !== undefined) return;
    if (!(provider instanceof ClusterProvider)) return;
    await checkNamespaceAccess({
        connection: provider.connection,
        namespace: config.namespace,
        grants: requiredGrants({
            apps: config.apps,
            networkPolicy: config.networkPolicy,
            pullSecret: pullAccess.kind === "pullSecret",
        }),
    });
}
