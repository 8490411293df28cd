import { ResourceValidationPolicy } from "@pulumi/policy";
import { read } from "../lib/read";
import { containersOf, LONG_RUNNING_TYPES, podSpecOf } from "../lib/workloads";

const PROBES = ["readinessProbe", "livenessProbe"] as const;

/**
 * Long-running containers have readiness and liveness probes: without readiness a rollout sends
 * traffic to pods that are not serving; without liveness a hung process is never restarted.
 * Advisory, because some workloads (a queue worker, say) have nothing to probe over HTTP.
 */
export const healthProbes: ResourceValidationPolicy = {
    name: "health-probes",
    description:
        "Containers of Deployments, StatefulSets, DaemonSets, ReplicaSets, ReplicationControllers and Pods have readiness and liveness probes.",
    enforcementLevel: "advisory",
    validateResource: (args, reportViolation) => {
        if (!LONG_RUNNING_TYPES.includes(args.type)) return;
        // Init containers run to completion before the pod is ready; probes do not apply to them.
        for (const container of containersOf(podSpecOf(args), ["containers"])) {
            // A computed probe reads as UNKNOWN, not undefined, and counts as present.
            const missing = PROBES.filter((probe) => read(container.spec, probe) === undefined);
            if (missing.length > 0) reportViolation(`${container.label}: no ${missing.join(" and no ")}`);
        }
    },
};
