import * as assert from "assert";
import { noLatestTag, tagOf } from "../policies/latestTag";
import { container, DEPLOYMENT, JOB, podSpec, workload } from "./fixtures";
import { COMPUTED, violations } from "./harness";

describe("no-latest-tag", () => {
    it("reads tags, not registry ports", () => {
        assert.strictEqual(tagOf("localhost:5001/backend"), undefined);
        assert.strictEqual(tagOf("localhost:5001/backend:1.2"), "1.2");
        assert.strictEqual(tagOf("backend:latest@sha256:abc"), "latest");
        assert.strictEqual(tagOf("backend@sha256:abc"), undefined);
    });

    it("passes digest and versioned references", async () => {
        const spec = podSpec([container("backend"), container("frontend", { image: "frontend:1.4.2" })]);
        assert.deepStrictEqual(await violations(noLatestTag, DEPLOYMENT, workload(DEPLOYMENT, spec)), []);
    });

    it("names the container that uses :latest", async () => {
        const spec = podSpec([container("backend", { image: "localhost:5001/backend:latest" })]);
        const found = await violations(noLatestTag, DEPLOYMENT, workload(DEPLOYMENT, spec));
        assert.deepStrictEqual(found, [
            'container "backend": image "localhost:5001/backend:latest" uses the :latest tag, which names a different build after every push',
        ]);
    });

    it("treats a reference with neither tag nor digest as :latest, init containers included", async () => {
        const spec = podSpec([container("backend")], { initContainers: [container("wait", { image: "busybox" })] });
        const found = await violations(noLatestTag, JOB, workload(JOB, spec));
        assert.deepStrictEqual(found, [
            'initContainer "wait": image "busybox" has neither tag nor digest, so it means :latest',
        ]);
    });

    it("cannot judge a computed image", async () => {
        const spec = podSpec([container("backend", { image: COMPUTED.string })]);
        assert.deepStrictEqual(await violations(noLatestTag, DEPLOYMENT, workload(DEPLOYMENT, spec)), []);
    });
});
