import { PolicyPack } from "@pulumi/policy";
import { allPolicies } from "./policies/all";

/**
 * stevedore's invariants for every workload a stack deploys (or renders): mandatory rules stop
 * `pulumi up`, advisory ones are reported. Run it with `pulumi preview --policy-pack policy`.
 */
new PolicyPack("stevedore", { policies: allPolicies() });
