import * as assert from "assert";
import { deployment, podSpec } from "./harness/k8s";
import { runFailing, runProgram } from "./harness/program";
import { stackConfig, withConfig } from "./harness/stacks";

const dev = stackConfig("dev");
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const IMAGE = "docker:index/image:Image";
const digest = (c: string) => c.repeat(64);

describe("image digests flow into Deployments", () => {
    it("runs each app on exactly the digest its push returned", async () => {
        const run = await runProgram(dev, { digests: { backend: digest("a"), frontend: digest("b") } });
        assert.strictEqual(
            podSpec(run.get(DEPLOYMENT, "backend-deploy")).containers[0].image,
            `localhost:5001/backend@sha256:${digest("a")}`,
        );
        assert.strictEqual(
            podSpec(run.get(DEPLOYMENT, "frontend-deploy")).containers[0].image,
            `localhost:5001/frontend@sha256:${digest("b")}`,
        );
        const outputs = run.outputs.apps as Record<string, { image: string }>;
        assert.strictEqual(outputs.backend.image, `localhost:5001/backend@sha256:${digest("a")}`);
    });

    it("changes only the pod template of the app whose digest changed", async () => {
        const before = await runProgram(dev, { digests: { backend: digest("a"), frontend: digest("b") } });
        const after = await runProgram(dev, { digests: { backend: digest("c"), frontend: digest("b") } });
        const template = (run: typeof before, name: string) =>
            deployment(run.get(DEPLOYMENT, `${name}-deploy`)).spec.template;
        assert.deepStrictEqual(template(after, "frontend"), template(before, "frontend"));
        assert.notDeepStrictEqual(template(after, "backend"), template(before, "backend"));
        // Nothing but the image differs, so the rollout is caused by new code alone.
        const withoutImage = (run: typeof before) =>
            JSON.stringify(template(run, "backend")).replace(/@sha256:[0-9a-f]{64}/, "@sha256:X");
        assert.strictEqual(withoutImage(after), withoutImage(before));
    });

    it("never deploys a tag, latest or otherwise, and never pulls with Always or Never", async () => {
        const run = await runProgram(dev);
        const containers = run.ofType(DEPLOYMENT).flatMap((d) => podSpec(d).containers);
        assert.strictEqual(containers.length, 2);
        for (const c of containers) {
            assert.match(c.image, /^[^:@]+(:\d+)?\/[a-z0-9-]+@sha256:[0-9a-f]{64}$/);
            assert.doesNotMatch(c.image, /:latest/);
            assert.strictEqual(c.imagePullPolicy, "IfNotPresent");
        }
    });

    it("pushes each image under an immutable content-hash tag, built for linux/amd64 by default", async () => {
        const run = await runProgram(dev);
        const image = run.get(IMAGE, "backend-image").inputs as {
            imageName: string;
            build: { context: string; dockerfile: string; platform: string; args: Record<string, string> };
        };
        assert.match(image.imageName, /^localhost:5001\/backend:src-[0-9a-f]{16}$/);
        assert.strictEqual(image.build.context, "apps/backend");
        assert.strictEqual(image.build.dockerfile, "apps/backend/Dockerfile");
        assert.strictEqual(image.build.platform, "linux/amd64");
        // The image learns the hash it was tagged with, so /version can report what it was built from.
        assert.strictEqual(
            `src-${image.build.args.STEVEDORE_SOURCE_HASH.slice(0, 16)}`,
            image.imageName.split(":").pop(),
        );
    });

    it("passes per-app build settings through to the build", async () => {
        const config = withConfig(dev, (c) => {
            c["stevedore:platform"] = "linux/arm64";
            Object.assign((c["stevedore:apps"] as Record<string, unknown>[])[0], {
                buildTarget: "test",
                buildArgs: { NODE_IMAGE: "example.org/node:22" },
                cacheFrom: ["localhost:5001/backend:src-0123456789abcdef"],
            });
        });
        const run = await runProgram(config);
        const build = (run.get(IMAGE, "backend-image").inputs as { build: Record<string, unknown> }).build;
        assert.strictEqual(build.platform, "linux/arm64");
        assert.strictEqual(build.target, "test");
        assert.strictEqual((build.args as Record<string, string>).NODE_IMAGE, "example.org/node:22");
        assert.deepStrictEqual(build.cacheFrom, { images: ["localhost:5001/backend:src-0123456789abcdef"] });
        // The other app keeps the stack-wide platform and has no cache source.
        const other = (run.get(IMAGE, "frontend-image").inputs as { build: Record<string, unknown> }).build;
        assert.strictEqual(other.platform, "linux/arm64");
        assert.strictEqual(other.cacheFrom, undefined);
    });

    it("fails the update, naming the image, when a push yields no digest", async () => {
        const { error } = await runFailing(dev, {
            state: (type, _name, inputs) => (type === IMAGE ? { repoDigest: String(inputs.imageName) } : undefined),
        });
        assert.match(
            error.message,
            /image backend: the push returned "localhost:5001\/backend:src-[0-9a-f]{16}", not a repo@sha256:<digest> reference/,
        );
    });
});
