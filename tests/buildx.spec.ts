import * as assert from "assert";
import { lifecyclePolicy } from "../components/aws/lifecyclePolicy";
import { BUILD_CACHE_TAG } from "../components/image/buildRequest";
import { PROMOTED_TAG_PREFIX } from "../components/image/copy";
import { podSpec } from "./harness/k8s";
import { plainSecrets } from "./harness/leaks";
import { isSecret, unsecret } from "./harness/mocks";
import { runFailing, runProgram } from "./harness/program";
import { stackConfig, withConfig } from "./harness/stacks";

const dev = stackConfig("dev");
const BUILDX = "docker-build:index:Image";
const ENGINE = "docker:index/image:Image";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const NPM_TOKEN = "npm_0123456789abcdefSECRET";

interface BuildxInputs {
    tags: string[];
    push: boolean;
    builder?: { name?: string };
    platforms: string[];
    buildArgs: Record<string, string>;
    cacheFrom?: { registry?: { ref: string }; gha?: { scope: string } }[];
    cacheTo?: { registry?: { ref: string; mode: string; imageManifest: boolean }; gha?: { scope: string } }[];
    secrets?: unknown;
    ignoreSecretsInDiffCalculation?: string[];
    ssh?: { id: string; paths?: string[] }[];
    registries?: unknown;
    context: { location: string };
    dockerfile: { location: string };
}

/** The dev stack on a named buildx builder, with registry credentials, plus `edit`. */
const onBuildx = (edit: (c: Record<string, unknown>) => void = () => {}) =>
    withConfig(dev, (c) => {
        c["stevedore:builder"] = "ci-builder";
        c["stevedore:registryUsername"] = "ci";
        c["stevedore:registryPassword"] = "push-pw";
        edit(c);
    });
const apps = (c: Record<string, unknown>) => c["stevedore:apps"] as Record<string, unknown>[];
const inputs = (run: Awaited<ReturnType<typeof runProgram>>, app: string) =>
    run.get(BUILDX, `${app}-image`).inputs as unknown as BuildxInputs;

describe("builds on a buildx builder (stevedore:builder, @pulumi/docker-build)", () => {
    it("builds with docker-build on the named builder, pushes the content-hash tag and deploys the digest it reports", async () => {
        const run = await runProgram(onBuildx(), { digests: { backend: "a".repeat(64) } });
        assert.strictEqual(run.ofType(ENGINE).length, 0, "no Docker engine build is left");
        const backend = inputs(run, "backend");
        assert.match(backend.tags[0], /^localhost:5001\/backend:src-[0-9a-f]{16}$/);
        assert.strictEqual(backend.push, true);
        assert.deepStrictEqual(backend.builder, { name: "ci-builder" });
        assert.deepStrictEqual(backend.platforms, ["linux/amd64"]);
        assert.strictEqual(backend.context.location, "apps/backend");
        assert.strictEqual(backend.dockerfile.location, "apps/backend/Dockerfile");
        assert.strictEqual(backend.buildArgs.STEVEDORE_SOURCE_HASH.slice(0, 16), backend.tags[0].split(":src-")[1]);
        assert.strictEqual(backend.buildArgs.BUILDKIT_INLINE_CACHE, undefined);
        assert.strictEqual(
            podSpec(run.get(DEPLOYMENT, "backend-deploy")).containers[0].image,
            `localhost:5001/backend@sha256:${"a".repeat(64)}`,
        );
        // The password makes the whole list a secret on its way to the provider.
        assert.deepStrictEqual(unsecret(backend.registries), [
            { address: "localhost:5001", username: "ci", password: "push-pw" },
        ]);
    });

    it("keeps each app's content tag when the builder changes, so the upgrade rebuilds under the same tag", async () => {
        const engine = await runProgram(dev);
        const buildx = await runProgram(withConfig(dev, (c) => (c["stevedore:builder"] = "ci-builder")));
        const engineTag = String(engine.get(ENGINE, "backend-image").inputs.imageName);
        assert.strictEqual(inputs(buildx, "backend").tags[0], engineTag);
    });

    it("leaves the builder to docker-build with `buildx`, and takes an app's own builder over the stack's", async () => {
        const run = await runProgram(
            onBuildx((c) => {
                c["stevedore:builder"] = "buildx";
                apps(c)[1].builder = "arm-builder";
            }),
        );
        assert.strictEqual(inputs(run, "backend").builder, undefined);
        assert.deepStrictEqual(inputs(run, "frontend").builder, { name: "arm-builder" });
    });

    it("reads and writes a registry cache in the app's own repository by default (mode=max, OCI manifest)", async () => {
        const run = await runProgram(onBuildx((c) => (apps(c)[0].cacheFrom = ["localhost:5001/base:cache"])));
        const backend = inputs(run, "backend");
        assert.deepStrictEqual(
            backend.cacheFrom?.map((c) => c.registry?.ref),
            ["localhost:5001/base:cache", "localhost:5001/backend:buildcache"],
        );
        const to = backend.cacheTo?.[0].registry;
        assert.strictEqual(to?.ref, "localhost:5001/backend:buildcache");
        assert.strictEqual(to.mode, "max");
        assert.strictEqual(to.imageManifest, true);
    });

    it("uses GitHub Actions' cache scoped by app, or none, as configured", async () => {
        const run = await runProgram(
            onBuildx((c) => {
                c["stevedore:buildCache"] = "gha";
                apps(c)[1].buildCache = "none";
            }),
        );
        assert.deepStrictEqual(inputs(run, "backend").cacheFrom, [{ gha: { scope: "backend" } }]);
        assert.strictEqual(inputs(run, "backend").cacheTo?.[0].gha?.scope, "backend");
        assert.strictEqual(inputs(run, "frontend").cacheFrom, undefined);
        assert.strictEqual(inputs(run, "frontend").cacheTo, undefined);
    });

    it("builds several platforms into one image and deploys its index digest", async () => {
        const run = await runProgram(
            onBuildx((c) => (apps(c)[0].platform = ["linux/amd64", "linux/arm64"])),
            { digests: { backend: "c".repeat(64) } },
        );
        assert.deepStrictEqual(inputs(run, "backend").platforms, ["linux/amd64", "linux/arm64"]);
        assert.deepStrictEqual(inputs(run, "frontend").platforms, ["linux/amd64"]);
        assert.strictEqual(
            podSpec(run.get(DEPLOYMENT, "backend-deploy")).containers[0].image,
            `localhost:5001/backend@sha256:${"c".repeat(64)}`,
        );
        const stackWide = await runProgram(onBuildx((c) => (c["stevedore:platform"] = "linux/amd64,linux/arm64")));
        assert.deepStrictEqual(inputs(stackWide, "frontend").platforms, ["linux/amd64", "linux/arm64"]);
    });

    it("forwards SSH agents for RUN --mount=type=ssh", async () => {
        const run = await runProgram(onBuildx((c) => (apps(c)[0].ssh = [{}, { id: "deploy", paths: ["/keys/id"] }])));
        assert.deepStrictEqual(inputs(run, "backend").ssh, [{ id: "default" }, { id: "deploy", paths: ["/keys/id"] }]);
    });
});

describe("build secrets (apps[i].buildSecrets)", () => {
    const withSecret = (edit: (c: Record<string, unknown>) => void = () => {}) =>
        onBuildx((c) => {
            apps(c)[0].buildSecrets = { npm_token: "npmToken" };
            c["stevedore:npmToken"] = NPM_TOKEN;
            edit(c);
        });
    const SECRET_KEYS = ["stevedore:npmToken", "stevedore:registryPassword"];

    it("hands the value to BuildKit as a Pulumi secret, left out of the diff, and nowhere else in plain text", async () => {
        const run = await runProgram(withSecret(), {}, SECRET_KEYS);
        const backend = inputs(run, "backend");
        assert.ok(isSecret(backend.secrets), "the secret's value reaches the provider marked secret");
        assert.deepStrictEqual(unsecret(backend.secrets), { npm_token: NPM_TOKEN });
        assert.deepStrictEqual(backend.ignoreSecretsInDiffCalculation, ["npm_token"]);
        assert.deepStrictEqual(await plainSecrets(run.resources, run.rawOutputs, { npmToken: NPM_TOKEN }), []);
        assert.strictEqual(inputs(run, "frontend").secrets, undefined);
    });

    it("does not change the content tag when the secret rotates, only when its id is added", async () => {
        const a = await runProgram(withSecret(), {}, SECRET_KEYS);
        const b = await runProgram(
            withSecret((c) => (c["stevedore:npmToken"] = "rotated-token")),
            {},
            SECRET_KEYS,
        );
        const none = await runProgram(onBuildx(), {}, ["stevedore:registryPassword"]);
        assert.strictEqual(inputs(a, "backend").tags[0], inputs(b, "backend").tags[0]);
        assert.notStrictEqual(inputs(a, "backend").tags[0], inputs(none, "backend").tags[0]);
        assert.ok(!inputs(a, "backend").tags[0].includes(NPM_TOKEN));
    });

    it("takes a key of another namespace", async () => {
        const run = await runProgram(
            onBuildx((c) => {
                apps(c)[0].buildSecrets = { pip: "ci:pipToken" };
                c["ci:pipToken"] = "pip-secret";
            }),
            {},
            ["ci:pipToken"],
        );
        assert.deepStrictEqual(unsecret(inputs(run, "backend").secrets), { pip: "pip-secret" });
    });

    it("refuses a secret key that is unset or stored in plain text, naming both keys and the command, and registers nothing", async () => {
        const unset = await runFailing(onBuildx((c) => (apps(c)[0].buildSecrets = { npm_token: "npmToken" })));
        assert.match(
            unset.error.message,
            /stevedore:apps\[0\]\.buildSecrets\.npm_token = "npmToken": stevedore:npmToken is not set; set it with `pulumi config set --secret stevedore:npmToken <value>`/,
        );
        const plain = await runFailing(withSecret(), {}, ["stevedore:registryPassword"]);
        assert.match(plain.error.message, /stevedore:npmToken is stored in plain text in the stack file/);
        assert.ok(!plain.error.message.includes(NPM_TOKEN), "the message never shows the value");
        for (const failed of [unset, plain]) assert.strictEqual(failed.resources.length, 0);
    });
});

describe("what the Docker engine's builder cannot do", () => {
    it("is a config error naming the app's key and the fix, before anything is registered", async () => {
        const failed = await runFailing(
            withConfig(dev, (c) => {
                apps(c)[0].platform = ["linux/amd64", "linux/arm64"];
                apps(c)[1].ssh = [{}];
                apps(c)[1].buildCache = "gha";
            }),
        );
        for (const key of ["apps[0].platform", "apps[1].ssh", "apps[1].buildCache"])
            assert.ok(
                failed.error.message.includes(`stevedore:${key} = `) &&
                    /needs a BuildKit builder, and app "(backend|frontend)" builds with the Docker engine's/.test(
                        failed.error.message,
                    ),
                `${key}:\n${failed.error.message}`,
            );
        assert.match(
            failed.error.message,
            /set stevedore:builder \(or stevedore:apps\[0\]\.builder\) to a buildx builder/,
        );
        assert.strictEqual(failed.resources.length, 0);
    });

    it("refuses a platform docker-build does not know, and a platform listed twice", async () => {
        const unknown = await runFailing(onBuildx((c) => (apps(c)[0].platform = "linux/arm64/v8")));
        assert.match(
            unknown.error.message,
            /stevedore:apps\[0\]\.platform = \["linux\/arm64\/v8"\]: linux\/arm64\/v8 is not a platform docker-build builds; allowed: linux\/386, linux\/amd64/,
        );
        const twice = await runFailing(onBuildx((c) => (apps(c)[1].platform = ["linux/amd64", "linux/amd64"])));
        assert.match(
            twice.error.message,
            /stevedore:apps\[1\]\.platform = \["linux\/amd64","linux\/amd64"\]: lists a platform twice/,
        );
        for (const failed of [unknown, twice]) assert.strictEqual(failed.resources.length, 0);
    });
});

describe("the registry cache tag and the registries' cleanup rules", () => {
    it("is neither a src- nor a promoted- tag, so ECR's keep-last rule (src- tags only) never counts or expires it", () => {
        assert.ok(!BUILD_CACHE_TAG.startsWith("src-") && !BUILD_CACHE_TAG.startsWith(PROMOTED_TAG_PREFIX));
        const rules = (
            JSON.parse(lifecyclePolicy({ untaggedExpiryDays: 1, keepLast: 1, keepTags: [] })) as {
                rules: { selection: { tagStatus: string; tagPrefixList?: string[] } }[];
            }
        ).rules;
        for (const rule of rules.filter((r) => r.selection.tagStatus === "tagged")) {
            assert.ok(
                (rule.selection.tagPrefixList ?? []).every((prefix) => !BUILD_CACHE_TAG.startsWith(prefix)),
                JSON.stringify(rule),
            );
        }
        assert.ok(
            rules.every((r) => r.selection.tagStatus !== "any"),
            "no rule selects every tag",
        );
    });
});

describe("promoting a multi-platform app", () => {
    it("is a config error naming the app's key and what to do, before any read or copy", async () => {
        const failed = await runFailing(
            withConfig(dev, (c) => {
                c["stevedore:promoteFrom"] = "organization/stevedore/dev";
                apps(c)[0].platform = ["linux/amd64", "linux/arm64"];
            }),
        );
        assert.match(
            failed.error.message,
            /stevedore:apps\[0\]\.platform = \["linux\/amd64","linux\/arm64"\]: app "backend" is promoted \(stevedore:promoteFrom\), and promotion copies one platform's image through the Docker engine/,
        );
        assert.match(failed.error.message, /pin the index instead \(stevedore:apps\[0\]\.image:/);
        assert.strictEqual(failed.resources.length, 0);
    });
});
