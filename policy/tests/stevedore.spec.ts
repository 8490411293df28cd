import * as assert from "assert";
import { appPodSpec } from "../../components/app/podSpec";
import { appSchema } from "../../components/config/app";
import { StackFacts } from "../lib/facts";
import { allPolicies } from "../policies/all";
import { DEPLOYMENT, pinned, workload } from "./fixtures";
import { Props, violations } from "./harness";

const prod = (): StackFacts => ({ stack: "prod", target: "aks" });

/** stevedore's own pod spec for an app with default settings, as plain JSON (what the engine sends). */
function stevedorePodSpec(): Props {
    const app = appSchema.parse({ name: "backend" });
    return JSON.parse(JSON.stringify(appPodSpec({ app, image: pinned("backend"), imagePullSecrets: [] }))) as Props;
}

describe("the pack against stevedore's own Deployment", () => {
    it("has unique policy names and the agreed enforcement levels", () => {
        const levels = Object.fromEntries(allPolicies(prod).map((p) => [p.name, p.enforcementLevel]));
        assert.deepStrictEqual(levels, {
            "image-pinned-by-digest": "mandatory",
            "no-latest-tag": "mandatory",
            "no-never-pull-policy": "mandatory",
            "run-as-non-root": "mandatory",
            "resource-limits": "mandatory",
            "replicas-for-availability": "advisory",
            "health-probes": "advisory",
            "no-helm-release": "mandatory",
            "no-plain-secret-env": "mandatory",
        });
    });

    it("finds no violation in the pod spec stevedore deploys to a production stack", async () => {
        const props = workload(DEPLOYMENT, stevedorePodSpec(), appSchema.parse({ name: "backend" }).replicas);
        for (const policy of allPolicies(prod)) {
            assert.deepStrictEqual(await violations(policy, DEPLOYMENT, props), [], policy.name);
        }
    });
});
