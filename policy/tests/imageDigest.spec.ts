import * as assert from "assert";
import { imagePinnedByDigest } from "../policies/imageDigest";
import { container, CRON_JOB, DEPLOYMENT, podSpec, WORKLOADS, workload } from "./fixtures";
import { COMPUTED, violations } from "./harness";

describe("image-pinned-by-digest", () => {
    for (const type of WORKLOADS) {
        it(`passes digest-pinned containers of a ${type}`, async () => {
            const spec = podSpec([container("backend")], { initContainers: [container("migrate")] });
            assert.deepStrictEqual(await violations(imagePinnedByDigest, type, workload(type, spec)), []);
        });
    }

    it("names each container and init container whose image is only tagged", async () => {
        const spec = podSpec(
            [container("backend"), container("frontend", { image: "registry.example.com/frontend:1.4.2" })],
            {
                initContainers: [container("migrate", { image: "migrate:v3" })],
            },
        );
        const found = await violations(imagePinnedByDigest, DEPLOYMENT, workload(DEPLOYMENT, spec));
        assert.strictEqual(found.length, 2);
        assert.match(
            found[0],
            /^container "frontend": image "registry\.example\.com\/frontend:1\.4\.2" is not pinned by digest/,
        );
        assert.match(found[1], /^initContainer "migrate": image "migrate:v3" is not pinned by digest/);
    });

    it("finds the pod template of a CronJob under jobTemplate", async () => {
        const spec = podSpec([container("report", { image: "report:2024" })]);
        const found = await violations(imagePinnedByDigest, CRON_JOB, workload(CRON_JOB, spec));
        assert.deepStrictEqual(found.length, 1);
        assert.match(found[0], /container "report": image "report:2024" is not pinned by digest/);
    });

    it("rejects digests that are short or not lowercase hex", async () => {
        const bad = [`app@sha256:${"ab".repeat(31)}`, `app@sha256:${"AB".repeat(32)}`, `app@sha512:${"ab".repeat(32)}`];
        const spec = podSpec(bad.map((image, i) => container(`c${i}`, { image })));
        assert.strictEqual((await violations(imagePinnedByDigest, DEPLOYMENT, workload(DEPLOYMENT, spec))).length, 3);
    });

    it("cannot judge a computed image under preview, and still checks the other containers", async () => {
        const spec = podSpec([
            container("backend", { image: COMPUTED.string }),
            container("sidecar", { image: "envoy:1.30" }),
        ]);
        const found = await violations(imagePinnedByDigest, DEPLOYMENT, workload(DEPLOYMENT, spec));
        assert.strictEqual(found.length, 1);
        assert.match(found[0], /container "sidecar"/);
    });

    it("cannot judge a computed container list or pod template", async () => {
        assert.deepStrictEqual(
            await violations(
                imagePinnedByDigest,
                DEPLOYMENT,
                workload(DEPLOYMENT, podSpec(COMPUTED.array as unknown as [])),
            ),
            [],
        );
        const props = { spec: { replicas: 2, template: COMPUTED.object } };
        assert.deepStrictEqual(await violations(imagePinnedByDigest, DEPLOYMENT, props), []);
    });

    it("ignores resources that are not workloads", async () => {
        const service = { spec: { containers: [{ name: "x", image: "nginx" }] } };
        assert.deepStrictEqual(await violations(imagePinnedByDigest, "kubernetes:core/v1:Service", service), []);
    });
});
