import * as path from "path";
import { azureMocks, stubAcrExchange } from "../tests/harness/azureMocks";
import { awsMocks } from "../tests/harness/awsMocks";
import { gcpMocks, PROJECT } from "../tests/harness/gcpMocks";
import { MockOptions } from "../tests/harness/mocks";
import { appName, Target } from "./spec";

/**
 * Per-target stack config and mocks, the same ones the unit tests use for that target (dev stack,
 * prod stack, the EKS example stack, the GKE "existing cluster" stack). Loaded by the child inside
 * its timed SDK phase, because the harness imports @pulumi/pulumi.
 */

/** Target settings of each stack, without its apps. */
const SETTINGS: Record<Target, Record<string, unknown>> = {
    local: { "stevedore:local": { context: "kind-stevedore", registry: { port: 5001, network: "kind" } } },
    aks: {
        "stevedore:azure": {
            location: "westeurope",
            resourceGroup: { name: "rg-stevedore-prod", create: true },
            registry: { sku: "Standard" },
            cluster: { mode: "existing", name: "aks-platform-prod", resourceGroup: "rg-platform-prod" },
        },
    },
    eks: {
        "stevedore:aws": {
            region: "us-east-1",
            cluster: { mode: "existing", name: "myCluster", nodeRoleName: "myCluster-node-role" },
            registry: { mode: "create", untaggedExpiryDays: 14, keepLast: 20 },
        },
    },
    gke: { "stevedore:gcp": { project: PROJECT, location: "europe-west4", cluster: { name: "shop-prod" } } },
};

/**
 * The stack config both programs read, encoded as the engine hands it over. `replicas: 1` because
 * stevedore adds a PodDisruptionBudget above one replica and the baseline has none: both programs
 * then register the same Kubernetes objects per app.
 */
export function stackConfig(target: Target, n: number, appsDir: string): Record<string, string> {
    const apps = Array.from({ length: n }, (_, i) => ({
        name: appName(i + 1),
        context: path.join(appsDir, appName(i + 1)),
        replicas: 1,
    }));
    const config: Record<string, unknown> = { "stevedore:target": target, ...SETTINGS[target], "stevedore:apps": apps };
    return Object.fromEntries(
        Object.entries(config).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]),
    );
}

/** Mock options answering the target's invokes; on aks it also replaces `fetch` for the rest of the (one-shot) process. */
export function targetMocks(target: Target): MockOptions {
    switch (target) {
        case "local":
            return {};
        case "aks":
            // The ACR token exchange is an HTTP call, not an invoke: answered by a stubbed fetch.
            stubAcrExchange();
            return azureMocks();
        case "eks":
            return awsMocks({ clusters: ["myCluster"] });
        case "gke":
            return gcpMocks();
    }
}

/**
 * SDK modules loaded before either program is imported. The list is the union of what both
 * programs import for the target, so the split between SDK time and program time is the same for both.
 */
export const SDK_MODULES: Record<Target, string[]> = {
    local: ["@pulumi/pulumi", "@pulumi/docker", "@pulumi/kubernetes"],
    aks: [
        "@pulumi/pulumi",
        "@pulumi/docker",
        "@pulumi/kubernetes",
        "@pulumi/azure-native/authorization",
        "@pulumi/azure-native/containerregistry",
        "@pulumi/azure-native/containerservice",
        "@pulumi/azure-native/resources",
    ],
    eks: ["@pulumi/pulumi", "@pulumi/docker", "@pulumi/kubernetes", "@pulumi/aws"],
    gke: ["@pulumi/pulumi", "@pulumi/docker", "@pulumi/kubernetes", "@pulumi/gcp"],
};
