import * as assert from "assert";
import { resourceLimits } from "../policies/resourceLimits";
import { container, DEPLOYMENT, JOB, podSpec, workload } from "./fixtures";
import { COMPUTED, violations } from "./harness";

describe("resource-limits", () => {
    it("passes cpu and memory limits, numbers included", async () => {
        const spec = podSpec([
            container("backend"),
            container("worker", { resources: { limits: { cpu: 1, memory: "1Gi" } } }),
        ]);
        assert.deepStrictEqual(await violations(resourceLimits, DEPLOYMENT, workload(DEPLOYMENT, spec)), []);
    });

    it("names the container and the missing limit", async () => {
        const spec = podSpec([
            container("backend", { resources: { requests: { cpu: "50m" }, limits: { cpu: "500m" } } }),
        ]);
        const found = await violations(resourceLimits, DEPLOYMENT, workload(DEPLOYMENT, spec));
        assert.deepStrictEqual(found, ['container "backend": no memory limit; set resources.limits.memory']);
    });

    it("names both limits when there are no resources at all, init containers included", async () => {
        const spec = podSpec([container("backend")], {
            initContainers: [container("migrate", { resources: undefined })],
        });
        const found = await violations(resourceLimits, JOB, workload(JOB, spec));
        assert.deepStrictEqual(found, [
            'initContainer "migrate": no cpu and no memory limit; set resources.limits.cpu and resources.limits.memory',
        ]);
    });

    it("treats an empty string as unset", async () => {
        const spec = podSpec([container("backend", { resources: { limits: { cpu: "", memory: "128Mi" } } })]);
        assert.match((await violations(resourceLimits, DEPLOYMENT, workload(DEPLOYMENT, spec)))[0], /no cpu limit/);
    });

    it("cannot judge computed limits", async () => {
        const spec = podSpec([
            container("backend", { resources: { limits: COMPUTED.object } }),
            container("frontend", { resources: { limits: { cpu: COMPUTED.string, memory: "128Mi" } } }),
        ]);
        assert.deepStrictEqual(await violations(resourceLimits, DEPLOYMENT, workload(DEPLOYMENT, spec)), []);
    });
});
