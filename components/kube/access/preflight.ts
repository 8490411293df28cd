import * as pulumi from "@pulumi/pulumi";
import { settled } from "../../image/settled";
import { apiConnection, ApiConnection } from "../kubeconfigAuth";
import { Grant, resourceName, uncovered } from "./grants";
import { mayDo, rulesIn, whoAmI } from "./reviews";

/** The whole check gives up (and says so) after this long; the provider's own errors still apply then. */
const PREFLIGHT_DEADLINE_MS = 45_000;
/** Access reviews in flight at once. */
const CONCURRENCY = 8;

/** A grant `up` needs and the deployer lacks. A RunError, so the CLI prints the message alone. */
export class AccessError extends pulumi.RunError {
    constructor(message: string) {
        super(message);
        this.name = "AccessError";
        this.stack = `${this.name}: ${this.message}`;
    }
}

export interface PreflightArgs {
    /** What the cluster's provider was given (`ClusterProvider.connection`). */
    connection: { kubeconfig?: pulumi.Input<string>; context?: string };
    namespace: string;
    grants: readonly Grant[];
}

/**
 * Before a namespace-scoped `up` registers anything in the namespace: asks the API server, as the
 * kubeconfig's own identity, whether it may do what this config needs there (one
 * SelfSubjectRulesReview, then a SelfSubjectAccessReview for each verb the rules do not show, as
 * a webhook authorizer may allow it). A missing grant fails `up` naming verb, resource, namespace
 * and identity; a check that cannot run is skipped with a warning, and the provider's own errors
 * apply.
 */
export async function checkNamespaceAccess(args: PreflightArgs): Promise<void> {
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<"timeout">(
        (resolve) => (timer = setTimeout(() => resolve("timeout"), PREFLIGHT_DEADLINE_MS)),
    );
    try {
        const result = await Promise.race([missingGrants(args), deadline]);
        if (result === "timeout") return skip(args.namespace, `no answer within ${PREFLIGHT_DEADLINE_MS / 1000} s`);
        if (typeof result === "string") return skip(args.namespace, result);
        if (result.missing.length > 0)
            throw new AccessError(deniedMessage(args.namespace, result.identity, result.missing));
        await pulumi.log.info(
            `stevedore:namespaceScoped: ${result.identity} may do what this up needs in namespace "${args.namespace}" ` +
                `(${args.grants.length} resource kinds, ${result.reviews} review request(s), ${Date.now() - started} ms)`,
        );
    } finally {
        clearTimeout(timer);
    }
}

function skip(namespace: string, why: string): Promise<void> {
    return pulumi.log.warn(
        `stevedore:namespaceScoped: could not check the deployer's grants in namespace "${namespace}" (${why}); going on, so a missing grant fails at the provider instead`,
    );
}

/** The grants the identity lacks, or why they could not be asked for. */
async function missingGrants(
    args: PreflightArgs,
): Promise<string | { identity: string; missing: Grant[]; reviews: number }> {
    const kubeconfig = await resolved(args.connection.kubeconfig);
    if (kubeconfig === null) return "the cluster's kubeconfig is not known yet";
    let api: ApiConnection;
    try {
        api = await apiConnection(kubeconfig, args.connection.context);
    } catch (error) {
        return `reading the kubeconfig: ${(error as Error).message}`;
    }
    try {
        const who = await whoAmI(api);
        const identity =
            who === undefined
                ? "the kubeconfig's identity"
                : `${who.username.startsWith("system:serviceaccount:") ? "" : "User "}"${who.username}"`;
        const { rules } = await rulesIn(api, args.namespace);
        // What the rules do not show is asked verb by verb: another authorizer (a webhook) may allow it.
        const asks = uncovered(args.grants, rules).flatMap((g) => g.verbs.map((verb) => ({ grant: g, verb })));
        const denied: { grant: Grant; verb: string }[] = [];
        for (let i = 0; i < asks.length; i += CONCURRENCY) {
            const batch = asks.slice(i, i + CONCURRENCY);
            const answers = await Promise.all(
                batch.map((a) =>
                    mayDo(api, {
                        namespace: args.namespace,
                        group: a.grant.group,
                        resource: a.grant.resource,
                        verb: a.verb,
                    }),
                ),
            );
            batch.forEach((a, j) => {
                if (!answers[j]) denied.push(a);
            });
        }
        const missing = args.grants
            .map((g) => ({
                ...g,
                verbs: denied
                    .filter((d) => d.grant.resource === g.resource && d.grant.group === g.group)
                    .map((d) => d.verb),
            }))
            .filter((g) => g.verbs.length > 0);
        return { identity, missing, reviews: 2 + asks.length };
    } catch (error) {
        return `asking the API server at ${api.server}: ${(error as Error).message}`;
    }
}

/** The kubeconfig text or path, undefined for the default lookup, null when this run will not know it. */
async function resolved(input: pulumi.Input<string> | undefined): Promise<string | undefined | null> {
    if (input === undefined) return undefined;
    const value = await settled(pulumi.output(input));
    return value.known ? value.value : null;
}

/** What is missing, one line per resource, and the Role that grants it. */
export function deniedMessage(namespace: string, identity: string, missing: readonly Grant[]): string {
    const lines = missing.map((g) => `  - ${g.verbs.join(", ")} ${resourceName(g)} in namespace "${namespace}"`);
    return [
        `stevedore:namespaceScoped: ${identity} is not allowed to do what this up needs in namespace "${namespace}" (nothing was deployed):`,
        ...lines,
        `Grant it with a Role in "${namespace}" bound to ${identity} by a RoleBinding, e.g. for the first line:`,
        `  kubectl -n ${namespace} create role stevedore-deployer --verb=${missing[0]?.verbs.join(",") ?? ""} --resource=${missing[0] === undefined ? "" : resourceName(missing[0])}`,
        `The minimal Role for a stevedore stack is in README.md, "Security". If namespace "${namespace}" does not exist, a cluster admin must create it first: stevedore:namespaceScoped never creates it.`,
    ].join("\n");
}
