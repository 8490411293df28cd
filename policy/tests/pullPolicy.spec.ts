import * as assert from "assert";
import { StackFacts } from "../lib/facts";
import { noNeverPullPolicy } from "../policies/pullPolicy";
import { container, DAEMON_SET, DEPLOYMENT, podSpec, workload } from "./fixtures";
import { COMPUTED, violations } from "./harness";

const onAks = (): StackFacts => ({ stack: "prod", target: "aks" });
const onLocal = (): StackFacts => ({ stack: "dev", target: "local" });
const unknownStack = (): StackFacts => ({ stack: "", target: undefined });
const never = workload(DEPLOYMENT, podSpec([container("backend", { imagePullPolicy: "Never" })]));

describe("no-never-pull-policy", () => {
    it("passes IfNotPresent and Always", async () => {
        const spec = podSpec([container("backend"), container("frontend", { imagePullPolicy: "Always" })]);
        assert.deepStrictEqual(await violations(noNeverPullPolicy(onAks), DEPLOYMENT, workload(DEPLOYMENT, spec)), []);
    });

    it("names the container with Never on a cloud target", async () => {
        const found = await violations(noNeverPullPolicy(onAks), DEPLOYMENT, never);
        assert.strictEqual(found.length, 1);
        assert.match(found[0], /^container "backend": imagePullPolicy is Never, .*ErrImageNeverPull/);
    });

    it("checks init containers too", async () => {
        const spec = podSpec([container("agent")], {
            initContainers: [container("setup", { imagePullPolicy: "Never" })],
        });
        const found = await violations(noNeverPullPolicy(onAks), DAEMON_SET, workload(DAEMON_SET, spec));
        assert.match(found[0], /^initContainer "setup": imagePullPolicy is Never/);
    });

    it("is strict when the engine did not pass the stack's target", async () => {
        assert.strictEqual((await violations(noNeverPullPolicy(unknownStack), DEPLOYMENT, never)).length, 1);
    });

    it("allows Never on the local target", async () => {
        assert.deepStrictEqual(await violations(noNeverPullPolicy(onLocal), DEPLOYMENT, never), []);
    });

    it("lets the policy config decide over the target", async () => {
        assert.deepStrictEqual(
            await violations(noNeverPullPolicy(onAks), DEPLOYMENT, never, { allowNeverPullPolicy: true }),
            [],
        );
        assert.strictEqual(
            (await violations(noNeverPullPolicy(onLocal), DEPLOYMENT, never, { allowNeverPullPolicy: false })).length,
            1,
        );
    });

    it("passes a computed pull policy", async () => {
        const spec = podSpec([container("backend", { imagePullPolicy: COMPUTED.string })]);
        assert.deepStrictEqual(await violations(noNeverPullPolicy(onAks), DEPLOYMENT, workload(DEPLOYMENT, spec)), []);
    });
});
