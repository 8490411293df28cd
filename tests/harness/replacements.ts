import { ProgramRun } from "./program";

/**
 * Inputs each provider documents as forcing a new resource when they change ("Changing this forces
 * a new resource" / "will force recreation" in the providers' own .d.ts docs), by type token.
 */
export const FORCE_NEW: Record<string, string[]> = {
    "gcp:container/cluster:Cluster": [
        "project",
        "location",
        "name",
        "network",
        "subnetwork",
        "nodeConfig",
        "initialNodeCount",
    ],
    "gcp:container/nodePool:NodePool": ["project", "location", "cluster", "name", "namePrefix", "initialNodeCount"],
};

/**
 * What the engine would replace when a stack that ran as `before` is updated to `after`: every
 * resource whose force-new input changed, unless the resource ignores changes to it.
 */
export function replacements(before: ProgramRun, after: ProgramRun): string[] {
    const found: string[] = [];
    for (const next of after.resources) {
        const prev = before.resources.find((r) => r.type === next.type && r.name === next.name);
        if (prev === undefined) continue;
        const ignored = after.ignoreChanges.get(next.name) ?? [];
        for (const key of FORCE_NEW[next.type] ?? []) {
            if (ignored.includes(key)) continue;
            if (JSON.stringify(prev.inputs[key]) !== JSON.stringify(next.inputs[key]))
                found.push(`${next.name}.${key}`);
        }
    }
    return found;
}
