import * as assert from "assert";
import { StackFacts } from "../lib/facts";
import { AUTOSCALED_BY, replicasForAvailability } from "../policies/replicas";
import { container, DAEMON_SET, DEPLOYMENT, podSpec, STATEFUL_SET, workload } from "./fixtures";
import { COMPUTED, Props, violations } from "./harness";

const stack = (name: string) => (): StackFacts => ({ stack: name, target: undefined });
const spec = podSpec([container("backend")]);

describe("replicas-for-availability (advisory)", () => {
    it("is advisory", () => {
        assert.strictEqual(replicasForAvailability(stack("prod")).enforcementLevel, "advisory");
    });

    it("passes two replicas in prod", async () => {
        assert.deepStrictEqual(
            await violations(replicasForAvailability(stack("prod")), DEPLOYMENT, workload(DEPLOYMENT, spec, 2)),
            [],
        );
    });

    it("reports one replica in prod, naming the workload", async () => {
        const found = await violations(
            replicasForAvailability(stack("prod")),
            STATEFUL_SET,
            workload(STATEFUL_SET, spec, 1),
        );
        assert.deepStrictEqual(found, [
            'StatefulSet "backend" runs 1 replica(s); stack "prod" is a production stack, so it needs at least 2 to survive a node drain or a rollout',
        ]);
    });

    it("counts an absent replicas field as Kubernetes does: one", async () => {
        const props = workload(DEPLOYMENT, spec);
        delete (props.spec as Props).replicas;
        const found = await violations(replicasForAvailability(stack("prod")), DEPLOYMENT, props);
        assert.match(found[0], /runs 1 replica/);
    });

    it("leaves other stacks alone unless the config sets a minimum", async () => {
        const policy = replicasForAvailability(stack("dev"));
        assert.deepStrictEqual(await violations(policy, DEPLOYMENT, workload(DEPLOYMENT, spec, 1)), []);
        const found = await violations(policy, DEPLOYMENT, workload(DEPLOYMENT, spec, 2), { minReplicas: 3 });
        assert.match(found[0], /runs 2 replica\(s\); the policy config asks for 3/);
    });

    it("takes the production stacks from the config", async () => {
        const policy = replicasForAvailability(stack("production"));
        assert.strictEqual(
            (await violations(policy, DEPLOYMENT, workload(DEPLOYMENT, spec, 1), { productionStacks: ["production"] }))
                .length,
            1,
        );
        assert.deepStrictEqual(await violations(policy, DEPLOYMENT, workload(DEPLOYMENT, spec, 1)), []);
    });

    it("cannot judge computed replicas and ignores DaemonSets", async () => {
        const policy = replicasForAvailability(stack("prod"));
        assert.deepStrictEqual(await violations(policy, DEPLOYMENT, workload(DEPLOYMENT, spec, COMPUTED.number)), []);
        assert.deepStrictEqual(await violations(policy, DAEMON_SET, workload(DAEMON_SET, spec)), []);
    });

    it("judges an autoscaled Deployment by its HorizontalPodAutoscaler's minReplicas", async () => {
        const policy = replicasForAvailability(stack("prod"));
        const props = workload(DEPLOYMENT, spec);
        delete (props.spec as Props).replicas;
        (props.metadata as Props).annotations = { [AUTOSCALED_BY]: "HorizontalPodAutoscaler/backend" };
        assert.deepStrictEqual(await violations(policy, DEPLOYMENT, props), []);
        const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
        const hpa = (min: number) => ({ metadata: { name: "backend" }, spec: { minReplicas: min, maxReplicas: 6 } });
        assert.deepStrictEqual(await violations(policy, HPA, hpa(2)), []);
        assert.deepStrictEqual(await violations(policy, HPA, hpa(1)), [
            'HorizontalPodAutoscaler "backend" runs 1 replica(s); stack "prod" is a production stack, so it needs at least 2 to survive a node drain or a rollout',
        ]);
    });
});
