import * as assert from "assert";
import { runAsNonRoot } from "../policies/nonRoot";
import { container, CRON_JOB, DEPLOYMENT, podSpec, STATEFUL_SET, workload } from "./fixtures";
import { COMPUTED, violations } from "./harness";

const noContext = { securityContext: undefined };

describe("run-as-non-root", () => {
    it("passes when the pod sets runAsNonRoot", async () => {
        const spec = podSpec([container("backend", noContext)]);
        assert.deepStrictEqual(await violations(runAsNonRoot, DEPLOYMENT, workload(DEPLOYMENT, spec)), []);
    });

    it("passes when only the container sets runAsNonRoot", async () => {
        const spec = podSpec([container("backend")], noContext);
        assert.deepStrictEqual(await violations(runAsNonRoot, STATEFUL_SET, workload(STATEFUL_SET, spec)), []);
    });

    it("names every container, init containers included, when neither level sets it", async () => {
        const spec = podSpec([container("backend", noContext)], {
            ...noContext,
            initContainers: [container("migrate", noContext)],
        });
        const found = await violations(runAsNonRoot, CRON_JOB, workload(CRON_JOB, spec));
        assert.deepStrictEqual(found, [
            "container \"backend\": runAsNonRoot is not set; set runAsNonRoot: true in the pod's or the container's securityContext",
            "initContainer \"migrate\": runAsNonRoot is not set; set runAsNonRoot: true in the pod's or the container's securityContext",
        ]);
    });

    it("lets a container's false override the pod's true", async () => {
        const spec = podSpec([container("backend"), container("debug", { securityContext: { runAsNonRoot: false } })]);
        const found = await violations(runAsNonRoot, DEPLOYMENT, workload(DEPLOYMENT, spec));
        assert.deepStrictEqual(found, [
            'container "debug": runAsNonRoot is false in its securityContext; it must run as non-root',
        ]);
    });

    it("reports a pod-level false that a container inherits", async () => {
        const spec = podSpec([container("backend", noContext)], { securityContext: { runAsNonRoot: false } });
        const found = await violations(runAsNonRoot, DEPLOYMENT, workload(DEPLOYMENT, spec));
        assert.match(found[0], /^container "backend": runAsNonRoot is false in the pod's securityContext/);
    });

    it("cannot judge a computed setting", async () => {
        const spec = podSpec([container("backend", { securityContext: { runAsNonRoot: COMPUTED.string } })], noContext);
        assert.deepStrictEqual(await violations(runAsNonRoot, DEPLOYMENT, workload(DEPLOYMENT, spec)), []);
    });
});
