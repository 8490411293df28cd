import * as assert from "assert";
import { healthProbes } from "../policies/probes";
import { container, CRON_JOB, DEPLOYMENT, JOB, POD, podSpec, workload } from "./fixtures";
import { COMPUTED, violations } from "./harness";

describe("health-probes (advisory)", () => {
    it("is advisory", () => {
        assert.strictEqual(healthProbes.enforcementLevel, "advisory");
    });

    it("passes containers with both probes and does not ask init containers for any", async () => {
        const spec = podSpec([container("backend")], {
            initContainers: [container("migrate", { readinessProbe: undefined, livenessProbe: undefined })],
        });
        assert.deepStrictEqual(await violations(healthProbes, DEPLOYMENT, workload(DEPLOYMENT, spec)), []);
    });

    it("names the container and each missing probe", async () => {
        const spec = podSpec([
            container("backend", { readinessProbe: undefined }),
            container("frontend", { readinessProbe: undefined, livenessProbe: undefined }),
        ]);
        const found = await violations(healthProbes, POD, workload(POD, spec));
        assert.deepStrictEqual(found, [
            'container "backend": no readinessProbe',
            'container "frontend": no readinessProbe and no livenessProbe',
        ]);
    });

    it("leaves Jobs and CronJobs alone: they run to completion", async () => {
        const spec = podSpec([container("report", { readinessProbe: undefined, livenessProbe: undefined })]);
        assert.deepStrictEqual(await violations(healthProbes, JOB, workload(JOB, spec)), []);
        assert.deepStrictEqual(await violations(healthProbes, CRON_JOB, workload(CRON_JOB, spec)), []);
    });

    it("counts a computed probe as present", async () => {
        const spec = podSpec([container("backend", { livenessProbe: COMPUTED.object })]);
        assert.deepStrictEqual(await violations(healthProbes, DEPLOYMENT, workload(DEPLOYMENT, spec)), []);
    });
});
