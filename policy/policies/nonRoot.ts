import { ResourceValidationPolicy } from "@pulumi/policy";
import { readPath, UNKNOWN } from "../lib/read";
import { containersOf, isPatch, podSpecOf } from "../lib/workloads";

/** Every container runs as non-root, set on the container or inherited from the pod. */
export const runAsNonRoot: ResourceValidationPolicy = {
    name: "run-as-non-root",
    description: "Every container runs with runAsNonRoot: true, in its own or the pod's securityContext.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        const podSpec = podSpecOf(args);
        const podLevel = readPath(podSpec, ["securityContext", "runAsNonRoot"]);
        for (const container of containersOf(podSpec)) {
            const own = readPath(container.spec, ["securityContext", "runAsNonRoot"]);
            // Kubernetes lets the container's own setting override the pod's.
            const effective = own === undefined ? podLevel : own;
            if (effective === UNKNOWN || effective === true) continue; // computed: cannot judge yet
            if (effective === undefined && isPatch(args.type)) continue; // a patch leaves it as it is
            reportViolation(
                effective === false
                    ? `${container.label}: runAsNonRoot is false${own === false ? " in its securityContext" : " in the pod's securityContext"}; it must run as non-root`
                    : `${container.label}: runAsNonRoot is not set; set runAsNonRoot: true in the pod's or the container's securityContext`,
            );
        }
    },
};
