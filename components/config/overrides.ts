import { z } from "zod";
import { BoundTarget, ClusterFactory, SettingsContext, RegistryFactory } from "../contracts";
import { clusterKinds, KindEntry, registryKinds } from "../targets";
import { describeIssues } from "./errors";

/** Top-level keys that replace one half of the target: `stevedore:registry` and `stevedore:cluster`. */
export const OVERRIDE_KEYS = ["registry", "cluster"] as const;

/**
 * Targets whose registry is pulled through a cloud IAM grant (their clusters' `iamCloud`), which a
 * kubeconfig cluster cannot give. Checked here so the stack fails before anything is registered,
 * not in grantPull after the registry and namespace were.
 */
const IAM_PULL_CLOUD: Record<string, string> = { aks: "azure", eks: "aws", gke: "gcp" };

/** What parsing the override keys found: binders for the kinds given, and every problem. */
export interface Overrides {
    registry?: () => Promise<RegistryFactory>;
    cluster?: () => Promise<ClusterFactory>;
    problems: string[];
}

/** Validates one override block: its `kind` against the kind table, then that kind's own settings. */
function checkOverride<F>(
    key: string,
    raw: unknown,
    table: Record<string, KindEntry<F>>,
    context: SettingsContext,
): { bind?: () => Promise<F>; problems: string[] } {
    if (raw === undefined) return { problems: [] };
    const root = `stevedore:${key}`;
    const head = z.looseObject({ kind: z.enum(Object.keys(table) as [string, ...string[]]) });
    const kind = head.safeParse(raw);
    if (!kind.success) return { problems: describeIssues(root, head, raw, kind.error.issues) };
    const entry = table[kind.data.kind];
    const check = entry.check(raw, context);
    return check.ok
        ? { bind: check.bind, problems: [] }
        : { problems: describeIssues(root, check.schema, raw, check.issues) };
}

/** Parses `stevedore:registry` / `stevedore:cluster` and the keys only they read (pull credentials, inline kubeconfig). */
export function checkOverrides(raw: Map<string, unknown>, context: SettingsContext): Overrides {
    const problems: string[] = [];
    if (context.pullAuth && !raw.has("registry")) {
        problems.push(
            "stevedore:pullUsername / stevedore:pullPassword: only a stevedore:registry block (kind generic) uses pull credentials; set one or remove them",
        );
    }
    if (context.inlineKubeconfig && !raw.has("cluster")) {
        problems.push(
            "stevedore:kubeconfig: only stevedore:cluster {kind: kubeconfig} reads inline kubeconfig contents; set it or remove the key",
        );
    }
    const registry = checkOverride("registry", raw.get("registry"), registryKinds, context);
    const cluster = checkOverride("cluster", raw.get("cluster"), clusterKinds, context);
    const cloud = IAM_PULL_CLOUD[String(raw.get("target"))];
    if (cluster.bind !== undefined && registry.bind === undefined && !raw.has("registry") && cloud !== undefined) {
        problems.push(
            `stevedore:cluster.kind = "kubeconfig" with stevedore:target = ${JSON.stringify(raw.get("target"))}: the kubeconfig cluster (stevedore:cluster kind "kubeconfig") ` +
                `cannot grant its nodes the IAM role that pulling from the ${cloud} registry needs: stevedore does not know which cloud identity those nodes run as. ` +
                `Use a pull secret instead: set stevedore:registry {kind: generic, address: <that registry>/<namespace>, pull: secret} with stevedore:pullUsername and ` +
                `stevedore:pullPassword (--secret, a read-only token), or remove stevedore:cluster to deploy to the target's own cluster`,
        );
    }
    return {
        registry: registry.bind,
        cluster: cluster.bind,
        problems: [...problems, ...registry.problems, ...cluster.problems],
    };
}

/**
 * The registry and cluster factories a stack uses: each override replaces its half of the target.
 * The target's module loads, and its setup runs, only if a half still comes from it.
 */
export function composeTarget(
    target: (() => Promise<BoundTarget>) | undefined,
    overrides: Overrides,
): () => Promise<BoundTarget> {
    return async () => {
        const registry = await overrides.registry?.();
        const cluster = await overrides.cluster?.();
        if (registry !== undefined && cluster !== undefined)
            return { setup: () => ({ createRegistry: registry, createCluster: cluster }) };
        const base = await target?.();
        if (base === undefined)
            throw new Error(
                "no registry or cluster: set stevedore:target, or both stevedore:registry and stevedore:cluster",
            );
        return {
            setup: (setupName, setupOpts) => {
                const made = base.setup(setupName, setupOpts);
                return {
                    createRegistry: registry ?? ((name, args, opts) => made.createRegistry(name, args, opts)),
                    createCluster: cluster ?? ((name, args, opts) => made.createCluster(name, args, opts)),
                };
            },
        };
    };
}
