import { ResourceValidationPolicy } from "@pulumi/policy";

const RELEASE = "kubernetes:helm.sh/v3:Release";

/**
 * No `helm.sh/v3:Release`: it installs its chart through Helm, embedded as a library in the
 * provider, so the Deployments and Pods it creates are never registered with Pulumi and no rule
 * of this pack sees them. `helm.sh/v4:Chart` renders the chart and registers every object, which
 * the pack then checks like any other. Mandatory; a stack that accepts the gap can lower it to
 * advisory in its policy config (`{"no-helm-release": "advisory"}`).
 */
export const noHelmRelease: ResourceValidationPolicy = {
    name: "no-helm-release",
    description: "No helm.sh/v3:Release, whose workloads Helm installs out of the policy pack's sight.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (args.type !== RELEASE) return;
        reportViolation(
            `Release "${args.name}": Helm installs its chart's resources itself, so none of this pack's rules (digest pins, non-root, limits) can check them; use kubernetes:helm.sh/v4:Chart, whose resources Pulumi registers and the pack checks`,
        );
    },
};
