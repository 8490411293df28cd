import { ResourceValidationPolicy } from "@pulumi/policy";
import { runtimeFacts, StackFacts } from "../lib/facts";
import { readPath, UNKNOWN } from "../lib/read";
import { isPatch } from "../lib/workloads";

/** This policy's config; both keys are optional. */
export interface ReplicasConfig {
    /** Replicas every Deployment and StatefulSet needs; when set it applies whatever the stack. */
    minReplicas?: number;
    /** Stacks that need at least two replicas when minReplicas is unset; default ["prod"]. */
    productionStacks?: string[];
}

const SCALED_TYPES = [
    "kubernetes:apps/v1:Deployment",
    "kubernetes:apps/v1:StatefulSet",
    "kubernetes:apps/v1:ReplicaSet",
    "kubernetes:core/v1:ReplicationController",
].flatMap((type) => [type, `${type}Patch`]);
const HPA_TYPES = ["kubernetes:autoscaling/v2:HorizontalPodAutoscaler"];
/** The annotation stevedore puts on a Deployment whose replica count an autoscaler owns. */
export const AUTOSCALED_BY = "stevedore.dev/autoscaled-by";
const DEFAULT_PRODUCTION_STACKS = ["prod"];

/**
 * Production workloads run at least two replicas, so a node drain or a rolling update never takes
 * an app down. Advisory: a singleton (a leader-elected job runner, say) may be deliberate.
 */
export function replicasForAvailability(facts: () => StackFacts = runtimeFacts): ResourceValidationPolicy {
    return {
        name: "replicas-for-availability",
        description:
            "Deployments, StatefulSets, ReplicaSets and ReplicationControllers of production stacks run at least 2 replicas (autoscaled: the HPA's minReplicas).",
        enforcementLevel: "advisory",
        configSchema: {
            properties: {
                minReplicas: { type: "integer", minimum: 1, description: "Minimum replicas, for any stack." },
                productionStacks: {
                    type: "array",
                    items: { type: "string" },
                    description: "Stacks that need 2 replicas (default: prod).",
                },
            },
        },
        validateResource: (args, reportViolation) => {
            const hpa = HPA_TYPES.includes(args.type);
            if (!SCALED_TYPES.includes(args.type) && !hpa) return;
            const config = args.getConfig<ReplicasConfig>();
            const stack = facts().stack;
            const production = (config.productionStacks ?? DEFAULT_PRODUCTION_STACKS).includes(stack);
            const minimum = config.minReplicas ?? (production ? 2 : 1);
            const replicas = readPath(args.props, hpa ? ["spec", "minReplicas"] : ["spec", "replicas"]);
            if (replicas === UNKNOWN) return; // computed: cannot judge yet
            if (replicas === undefined && isPatch(args.type)) return; // a patch leaves it as it is
            // An autoscaled Deployment has no count of its own: its autoscaler's minReplicas is judged instead.
            if (
                replicas === undefined &&
                readPath(args.props, ["metadata", "annotations", AUTOSCALED_BY]) !== undefined
            )
                return;
            // Kubernetes runs one replica when the field is absent.
            const count = typeof replicas === "number" ? replicas : 1;
            if (count < minimum) {
                const why =
                    config.minReplicas === undefined
                        ? `stack "${stack}" is a production stack`
                        : `the policy config asks for ${minimum}`;
                reportViolation(
                    `${args.type.split(":")[2]} "${args.name}" runs ${count} replica(s); ${why}, so it needs at least ${minimum} to survive a node drain or a rollout`,
                );
            }
        },
    };
}
