import { ResourceValidationPolicy } from "@pulumi/policy";
import { runtimeFacts, StackFacts } from "../lib/facts";
import { read } from "../lib/read";
import { containersOf, podSpecOf } from "../lib/workloads";

/** This policy's config: `allowNeverPullPolicy` decides; unset, it is allowed only for `stevedore:target: local`. */
export interface PullPolicyConfig {
    allowNeverPullPolicy?: boolean;
}

/**
 * No `imagePullPolicy: Never` outside the local target: on a cloud cluster no node has the image
 * preloaded, and the pod fails with ErrImageNeverPull. A local cluster whose images are side-loaded
 * (`kind load`) may need it, so the local stack relaxes the rule.
 */
export function noNeverPullPolicy(facts: () => StackFacts = runtimeFacts): ResourceValidationPolicy {
    return {
        name: "no-never-pull-policy",
        description: "No container sets imagePullPolicy: Never, except on the local target.",
        enforcementLevel: "mandatory",
        configSchema: {
            properties: {
                allowNeverPullPolicy: {
                    type: "boolean",
                    description: "Allow imagePullPolicy: Never (for a local cluster with side-loaded images).",
                },
            },
        },
        validateResource: (args, reportViolation) => {
            const { allowNeverPullPolicy } = args.getConfig<PullPolicyConfig>();
            if (allowNeverPullPolicy ?? facts().target === "local") return;
            for (const container of containersOf(podSpecOf(args))) {
                // A computed pull policy is not "Never", so it passes until its value is known.
                if (read(container.spec, "imagePullPolicy") === "Never") {
                    reportViolation(
                        `${container.label}: imagePullPolicy is Never, so only an image already on the node can run (ErrImageNeverPull on a cloud cluster); use IfNotPresent with a digest-pinned image`,
                    );
                }
            }
        },
    };
}
