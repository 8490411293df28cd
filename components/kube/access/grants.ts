import { AppSettings } from "../../config/app";

/** What the deployer must be allowed to do to one resource kind in the namespace. */
export interface Grant {
    /** API group; "" is the core group. */
    group: string;
    /** Plural resource name, as RBAC names it. */
    resource: string;
    verbs: readonly string[];
}

/** Objects stevedore owns: server-side apply (patch), create, read back, replace and delete. */
export const MANAGE = ["get", "list", "watch", "create", "update", "patch", "delete"] as const;
/**
 * Objects the provider only watches while it awaits a rollout, a Service or a Job (the informers
 * of pulumi-kubernetes 4.x's await package; a forbidden one makes the await hang until its timeout).
 */
export const WATCH = ["get", "list", "watch"] as const;

/** What a namespace-scoped stack needs, judged from its config. */
export interface GrantNeeds {
    apps: readonly AppSettings[];
    networkPolicy: boolean;
    /** The cluster pulls with a pull Secret stevedore makes in the namespace. */
    pullSecret: boolean;
}

/** The grants `up` needs in the namespace for this config: nothing more, so a Role can be as small as the stack. */
export function requiredGrants(needs: GrantNeeds): Grant[] {
    const { apps } = needs;
    const any = (test: (app: AppSettings) => boolean) => apps.some(test);
    const withPort = any((a) => a.port !== "none");
    const grants: (Grant | false)[] = [
        { group: "apps", resource: "deployments", verbs: MANAGE },
        { group: "apps", resource: "replicasets", verbs: WATCH },
        { group: "", resource: "pods", verbs: WATCH },
        // The provider's Deployment awaiter also watches claims, to report one that is not bound.
        { group: "", resource: "persistentvolumeclaims", verbs: WATCH },
        { group: "", resource: "events", verbs: WATCH },
        withPort && { group: "", resource: "services", verbs: MANAGE },
        withPort && { group: "", resource: "endpoints", verbs: WATCH },
        (needs.pullSecret || any((a) => Object.keys(a.secretEnv).length > 0)) && {
            group: "",
            resource: "secrets",
            verbs: MANAGE,
        },
        any((a) => Object.keys(a.files).length > 0) && { group: "", resource: "configmaps", verbs: MANAGE },
        any((a) => a.migrate !== undefined) && { group: "batch", resource: "jobs", verbs: MANAGE },
        any((a) => (a.autoscale?.min ?? a.replicas) > 1) && {
            group: "policy",
            resource: "poddisruptionbudgets",
            verbs: MANAGE,
        },
        any((a) => a.autoscale !== undefined) && {
            group: "autoscaling",
            resource: "horizontalpodautoscalers",
            verbs: MANAGE,
        },
        needs.networkPolicy && { group: "networking.k8s.io", resource: "networkpolicies", verbs: MANAGE },
        any((a) => a.expose === "ingress") && { group: "networking.k8s.io", resource: "ingresses", verbs: MANAGE },
    ];
    return grants.filter((g): g is Grant => g !== false);
}

/** One rule of a SelfSubjectRulesReview's `resourceRules`. */
export interface ResourceRule {
    verbs: string[];
    apiGroups?: string[];
    resources?: string[];
    resourceNames?: string[];
}

/** Whether `rules` allow `verb` on every object of `group`/`resource` (a rule limited to names does not). */
export function ruleAllows(rules: readonly ResourceRule[], group: string, resource: string, verb: string): boolean {
    const has = (list: readonly string[] | undefined, value: string) =>
        (list ?? []).includes("*") || (list ?? []).includes(value);
    return rules.some(
        (r) =>
            (r.resourceNames ?? []).length === 0 &&
            has(r.verbs, verb) &&
            has(r.apiGroups, group) &&
            has(r.resources, resource),
    );
}

/** `grants` minus what `rules` allow: what is left must be asked one by one (another authorizer may allow it). */
export function uncovered(grants: readonly Grant[], rules: readonly ResourceRule[]): Grant[] {
    return grants
        .map((g) => ({ ...g, verbs: g.verbs.filter((v) => !ruleAllows(rules, g.group, g.resource, v)) }))
        .filter((g) => g.verbs.length > 0);
}

/** `deployments.apps`, `pods`: how RBAC and kubectl name a resource of a group. */
export function resourceName(grant: Pick<Grant, "group" | "resource">): string {
    return grant.group === "" ? grant.resource : `${grant.resource}.${grant.group}`;
}
