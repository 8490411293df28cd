import { ResourceValidationPolicy } from "@pulumi/policy";
import { read, readPath, UNKNOWN } from "../lib/read";
import { containersOf, isPatch, isSet, podSpecOf } from "../lib/workloads";

const LIMITED = ["cpu", "memory"] as const;

/** Every container has cpu and memory limits, so one app cannot starve its neighbours on a node. */
export const resourceLimits: ResourceValidationPolicy = {
    name: "resource-limits",
    description: "Every container sets resources.limits.cpu and resources.limits.memory.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        // A patch leaves a limit it does not name as it is: only the limits it sets are judged.
        const patch = isPatch(args.type);
        for (const container of containersOf(podSpecOf(args))) {
            const limits = readPath(container.spec, ["resources", "limits"]);
            if (limits === UNKNOWN) continue; // computed: cannot judge yet
            const missing = LIMITED.filter((key) => {
                const value = read(limits, key);
                return value !== UNKNOWN && !(patch && value === undefined) && !isSet(value);
            });
            if (missing.length > 0) {
                reportViolation(
                    `${container.label}: no ${missing.join(" and no ")} limit; set resources.limits.${missing.join(" and resources.limits.")}`,
                );
            }
        }
    },
};
