import { ResourceValidationPolicy } from "@pulumi/policy";
import { runtimeFacts, StackFacts } from "../lib/facts";
import { noHelmRelease } from "./helmRelease";
import { imagePinnedByDigest } from "./imageDigest";
import { noLatestTag } from "./latestTag";
import { runAsNonRoot } from "./nonRoot";
import { healthProbes } from "./probes";
import { noNeverPullPolicy } from "./pullPolicy";
import { replicasForAvailability } from "./replicas";
import { resourceLimits } from "./resourceLimits";
import { noPlainSecretEnv } from "./secretEnv";

/** Every policy of the pack, in the order the report lists them; kept apart from index.ts so tests load them without starting the pack's server. */
export function allPolicies(facts: () => StackFacts = runtimeFacts): ResourceValidationPolicy[] {
    return [
        imagePinnedByDigest,
        noLatestTag,
        noNeverPullPolicy(facts),
        runAsNonRoot,
        resourceLimits,
        replicasForAvailability(facts),
        healthProbes,
        noHelmRelease,
        noPlainSecretEnv,
    ];
}
