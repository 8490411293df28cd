import { SettingsContext } from "../contracts";
import { NAMESPACE } from "./raw";

/** The top-level values the rules between keys look at, as far as they parsed. */
export interface KeyFacts {
    apps?: { name: string; platform?: string[] }[];
    platform?: string[];
    registryUsername?: string;
    registryPassword?: string;
    pullUsername?: string;
    pullPassword?: string;
    kubeconfig?: string;
}

/** The platform images are built for when neither `stevedore:platform` nor the app says. */
export const DEFAULT_PLATFORM = "linux/amd64";

/** Keys that only make sense together. */
const PAIRS = [
    ["registryUsername", "registryPassword"],
    ["pullUsername", "pullPassword"],
] as const;

/**
 * Rules between top-level keys: credential pairs come whole, and without `stevedore:target` both
 * halves must come from `stevedore:registry` and `stevedore:cluster`. (Rules between a target's or
 * a kind's settings and other keys live in their schemas, which get a SettingsContext.)
 */
export function crossKeyProblems(facts: KeyFacts, raw: Map<string, unknown>, targetNames: readonly string[]): string[] {
    const problems: string[] = [];
    for (const [user, password] of PAIRS) {
        if ((facts[user] === undefined) !== (facts[password] === undefined)) {
            problems.push(`${NAMESPACE}:${user} / ${NAMESPACE}:${password}: give both or neither`);
        }
    }
    if (raw.get("target") === undefined && !(raw.has("registry") && raw.has("cluster"))) {
        problems.push(
            `${NAMESPACE}:target = nothing (the key is missing): must be one of ${targetNames.map((t) => JSON.stringify(t)).join(", ")} (it may be left out only when both ${NAMESPACE}:registry and ${NAMESPACE}:cluster are set)`,
        );
    }
    return problems;
}

/** What target and kind schemas may know of the other keys. */
export function settingsContext(facts: KeyFacts, raw: Map<string, unknown>, projectDir: string): SettingsContext {
    return {
        apps: (facts.apps ?? []).map((app) => app.name),
        targetRegistry: !raw.has("registry"),
        pushAuth: facts.registryUsername !== undefined || facts.registryPassword !== undefined,
        pullAuth: facts.pullUsername !== undefined || facts.pullPassword !== undefined,
        inlineKubeconfig: facts.kubeconfig !== undefined,
        projectDir,
        platforms: (facts.apps ?? []).map((app, i) =>
            app.platform !== undefined
                ? { key: `${NAMESPACE}:apps[${i}].platform`, platforms: app.platform }
                : { key: `${NAMESPACE}:platform`, platforms: facts.platform ?? [DEFAULT_PLATFORM] },
        ),
    };
}
