import { NAMESPACE } from "./raw";

/** The target settings keys whose `cluster.mode: create` makes a cluster stevedore owns. */
const CLOUD_SETTINGS_KEYS = ["azure", "aws", "gcp"] as const;

const record = (v: unknown): Record<string, unknown> =>
    v !== null && typeof v === "object" ? (v as Record<string, unknown>) : {};

/**
 * Rules of `stevedore:namespaceScoped` against other keys. Everything stevedore makes in the
 * namespace (workloads, Services, Secrets, ConfigMaps, Jobs, HPAs, NetworkPolicies, Ingresses)
 * is namespaced, so only the Namespace itself is skipped. A cluster stevedore creates cannot
 * hold a namespace made beforehand by someone else, so that combination is refused.
 */
export function namespaceScopeProblems(scoped: boolean, raw: Map<string, unknown>): string[] {
    if (!scoped || raw.has("cluster")) return [];
    return CLOUD_SETTINGS_KEYS.flatMap((key) =>
        record(record(raw.get(key)).cluster).mode === "create"
            ? [
                  `${NAMESPACE}:${key}.cluster.mode = "create": cannot be used with ${NAMESPACE}:namespaceScoped = true, which deploys into a namespace that already exists; ` +
                      `a cluster stevedore creates has none yet (use mode "existing", or turn namespaceScoped off so stevedore creates the namespace)`,
              ]
            : [],
    );
}
