import * as assert from "assert";
import { podSpec } from "./harness/k8s";
import { isSecret, MockOptions, unsecret } from "./harness/mocks";
import { ProgramRun, runFailing, runProgram, TestConfig } from "./harness/program";
import { withConfig } from "./harness/stacks";
import { TARGET_CASES, TargetCase } from "./harness/targetCases";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const IMAGE = "docker:index/image:Image";
const STACK_REF = "pulumi:pulumi:StackReference";
const PULL = "docker:index/remoteImage:RemoteImage";
const TAG = "docker:index/tag:Tag";
const PUSH = "docker:index/registryImage:RegistryImage";
const SOURCE = "organization/stevedore/dev";
/** The name the program's reference to its own stack carries under the mocks. */
const SELF = "organization/stevedore/test";
const digest = (c: string) => c.repeat(64);

type AppsOutput = Record<string, { image: string; history?: string[] }>;

/** The target's mocks, plus stacks the program may reference and a registry that reports `pushed` (or the source digest) for a copy. */
function mocksWith(target: TargetCase, stacks: Record<string, AppsOutput>, pushed?: string): MockOptions {
    const base = target.mocks();
    return {
        ...base,
        state(type, name, inputs) {
            if (type === STACK_REF) {
                const apps = stacks[String(inputs.name)];
                return { outputs: apps === undefined ? {} : { apps } };
            }
            if (type === PUSH) return { sha256Digest: pushed ?? (inputs.triggers as Record<string, string>).digest };
            return base.state?.(type, name, inputs);
        },
    };
}

async function withTarget<T>(target: TargetCase, body: () => Promise<T>): Promise<T> {
    const undo = target.around?.();
    try {
        return await body();
    } finally {
        undo?.();
    }
}

const image = (run: ProgramRun, app: string) => podSpec(run.get(DEPLOYMENT, `${app}-deploy`)).containers[0].image;
const apps = (c: TestConfig) => c["stevedore:apps"] as Record<string, unknown>[];
const promoting = (c: TestConfig) => withConfig(c, (x) => (x["stevedore:promoteFrom"] = SOURCE));

for (const target of TARGET_CASES) {
    describe(`pin, promote and history: ${target.name} target`, () => {
        /** This target's repository of each app, as a plain build run pushes to it. */
        let repositories: Record<string, string>;
        let server: string;
        before(async () => {
            const run = await withTarget(target, () => runProgram(target.config, mocksWith(target, {})));
            const out = run.outputs.apps as AppsOutput;
            repositories = Object.fromEntries(Object.entries(out).map(([app, o]) => [app, o.image.split("@")[0]]));
            server = String(run.outputs.registry);
            assert.ok(repositories.backend.startsWith(`${server}/`), `${repositories.backend} is on ${server}`);
        });

        it("deploys a pinned digest and builds nothing for that app", async () => {
            const pin = `${repositories.backend}@sha256:${digest("1")}`;
            const config = withConfig(target.config, (c) => (apps(c)[0].image = pin));
            const run = await withTarget(target, () => runProgram(config, mocksWith(target, {})));
            assert.deepStrictEqual(
                run.ofType(IMAGE).map((r) => r.name),
                ["frontend-image"],
            );
            assert.strictEqual(image(run, "backend"), pin);
            assert.deepStrictEqual(
                run.ofType(PULL).filter((r) => r.name.startsWith("backend")),
                [],
                "a pin is not copied",
            );
        });

        it("promotes from another registry: copies each digest into this registry, keeps it, and deploys the copy", async () => {
            const source = {
                backend: { image: `dev.example.com:5000/backend@sha256:${digest("a")}` },
                frontend: { image: `dev.example.com:5000/frontend@sha256:${digest("b")}` },
            };
            const run = await withTarget(target, () =>
                runProgram(promoting(target.config), mocksWith(target, { [SOURCE]: source })),
            );
            assert.deepStrictEqual(run.ofType(IMAGE), [], "a promoting stack builds nothing");
            for (const [app, c] of [
                ["backend", "a"],
                ["frontend", "b"],
            ] as const) {
                assert.strictEqual(run.get(PULL, `${app}-pull`).inputs.name, source[app].image);
                assert.strictEqual(
                    run.get(TAG, `${app}-tag`).inputs.targetImage,
                    `${repositories[app]}:promoted-${c.repeat(12)}`,
                );
                assert.strictEqual(
                    run.get(PUSH, `${app}-push`).inputs.keepRemotely,
                    true,
                    "destroying a copy must not delete a digest prod runs",
                );
                assert.strictEqual(image(run, app), `${repositories[app]}@sha256:${digest(c)}`);
                // The provider reads the pushed digest over this scheme: the local registry is plain HTTP.
                const raw = run.get(PUSH, `${app}-push`).inputs.authConfig;
                const auth = (isSecret(raw) ? unsecret(raw) : raw) as { address: string; password?: string };
                assert.strictEqual(auth.address, `${target.name === "local" ? "http" : "https"}://${server}`);
                if (auth.password !== undefined) assert.ok(isSecret(raw), "the push credentials stay secret");
            }
            assert.ok(run.dependsOn.get("backend-push")?.includes("backend-tag"), "the push waits for the tag");
        });

        it("promotes from the same registry without copying", async () => {
            const source = {
                backend: { image: `${repositories.backend}@sha256:${digest("c")}` },
                frontend: { image: `${repositories.frontend}@sha256:${digest("d")}` },
            };
            const run = await withTarget(target, () =>
                runProgram(promoting(target.config), mocksWith(target, { [SOURCE]: source })),
            );
            for (const type of [IMAGE, PULL, TAG, PUSH])
                assert.deepStrictEqual(
                    run.ofType(type).filter((r) => !r.name.startsWith("registry")),
                    [],
                    type,
                );
            assert.strictEqual(image(run, "backend"), source.backend.image);
            assert.strictEqual(image(run, "frontend"), source.frontend.image);
        });

        it("promotes from another repository on the same host: copies, since a host is not a repository", async () => {
            // ECR has one host per account and region, Artifact Registry one per location for
            // every project: the source is another stack's repository on this stack's host
            // (dev-backend on ECR, the dev-<project> project on AR, another path elsewhere).
            const other = (app: string) => repositories[app].replace(`${server}/`, `${server}/dev-`);
            const source = {
                backend: { image: `${other("backend")}@sha256:${digest("a")}` },
                frontend: { image: `${other("frontend")}@sha256:${digest("b")}` },
            };
            const run = await withTarget(target, () =>
                runProgram(promoting(target.config), mocksWith(target, { [SOURCE]: source })),
            );
            for (const [app, c] of [
                ["backend", "a"],
                ["frontend", "b"],
            ] as const) {
                assert.ok(source[app].image.startsWith(`${server}/`), source[app].image);
                assert.strictEqual(run.get(PULL, `${app}-pull`).inputs.name, source[app].image);
                assert.strictEqual(image(run, app), `${repositories[app]}@sha256:${digest(c)}`);
            }
        });

        it("names an app the source stack does not have, with nothing created", async () => {
            const source = { backend: { image: `dev.example.com/backend@sha256:${digest("a")}` } };
            const { error, resources } = await withTarget(target, () =>
                runFailing(promoting(target.config), mocksWith(target, { [SOURCE]: source })),
            );
            assert.strictEqual(error.name, "PromotionError", error.stack);
            assert.match(
                error.message,
                /stevedore:promoteFrom = "organization\/stevedore\/dev": app "frontend" is not in that stack's apps output \(it has: backend\)/,
            );
            assert.deepStrictEqual(
                resources.map((r) => `${r.type} ${r.name}`),
                [`${STACK_REF} history`, `${STACK_REF} promote-source`],
            );
        });

        it("lets a pin override the promotion for one app (a rollback on a promoting stack)", async () => {
            const pin = `${repositories.backend}@sha256:${digest("9")}`;
            const source = { frontend: { image: `${repositories.frontend}@sha256:${digest("d")}` } };
            const config = withConfig(promoting(target.config), (c) => (apps(c)[0].image = pin));
            const run = await withTarget(target, () => runProgram(config, mocksWith(target, { [SOURCE]: source })));
            assert.strictEqual(image(run, "backend"), pin);
            assert.strictEqual(image(run, "frontend"), source.frontend.image);
        });

        it("rejects a tag, latest and a short digest as the pin, naming the key", async () => {
            const config = withConfig(target.config, (c) => {
                apps(c)[0].image = `${repositories.backend}:latest`;
                apps(c)[1].image = `${repositories.frontend}@sha256:${"f".repeat(12)}`;
            });
            const { error, resources } = await withTarget(target, () => runFailing(config, mocksWith(target, {})));
            assert.strictEqual(error.name, "ConfigError", error.stack);
            assert.ok(
                error.message.includes(
                    `stevedore:apps[0].image = "${repositories.backend}:latest": is a tag (:latest), which can move; must be pinned by digest: <repository>@sha256:<64 hex digits>`,
                ),
                error.message,
            );
            assert.ok(
                error.message.includes("stevedore:apps[1].image = ") &&
                    error.message.includes(": digest has 12 hex digit(s), not 64"),
                error.message,
            );
            assert.deepStrictEqual(resources, []);
        });

        it("passes stevedore:buildOnPreview to every image build, off by default", async () => {
            const on = await withTarget(target, () =>
                runProgram({ ...target.config, "stevedore:buildOnPreview": "true" }, mocksWith(target, {})),
            );
            assert.deepStrictEqual(
                on.ofType(IMAGE).map((r) => r.inputs.buildOnPreview),
                [true, true],
            );
            const off = await withTarget(target, () => runProgram(target.config, mocksWith(target, {})));
            assert.deepStrictEqual(
                off.ofType(IMAGE).map((r) => r.inputs.buildOnPreview),
                [false, false],
            );
        });

        it("reads its own history first and alone, then the promotion's source, then registers the rest", async () => {
            // On the file backend, a read of the stack's own checkpoint that overlaps a step's
            // write of it fails the update; only the very first registration overlaps none.
            const source = {
                backend: { image: `${repositories.backend}@sha256:${digest("a")}` },
                frontend: { image: `${repositories.frontend}@sha256:${digest("b")}` },
            };
            for (const [config, reads] of [
                [target.config, [`${STACK_REF} history`]],
                [promoting(target.config), [`${STACK_REF} history`, `${STACK_REF} promote-source`]],
            ] as const) {
                const run = await withTarget(target, () => runProgram(config, mocksWith(target, { [SOURCE]: source })));
                const order = run.resources.map((r) => `${r.type} ${r.name}`);
                assert.deepStrictEqual(order.slice(0, reads.length), reads, order.join("\n"));
                assert.strictEqual(run.ofType(STACK_REF).length, reads.length, order.join("\n"));
            }
        });

        it("records each app's digest history, newest first, from the stack's own previous outputs", async () => {
            const older = [
                `${repositories.backend}@sha256:${digest("2")}`,
                `${repositories.backend}@sha256:${digest("3")}`,
            ];
            const run = await withTarget(target, () =>
                runProgram(
                    target.config,
                    mocksWith(target, { [SELF]: { backend: { image: older[0], history: older } } }),
                ),
            );
            const out = run.outputs.apps as AppsOutput;
            assert.deepStrictEqual(out.backend.history, [out.backend.image, ...older]);
            assert.deepStrictEqual(
                out.frontend.history,
                [out.frontend.image],
                "an app with no earlier outputs starts its history",
            );
        });
    });
}

describe("promotion safeguards", () => {
    const local = TARGET_CASES[0];
    it("fails the update, naming both digests, when the copy's digest differs from the source's", async () => {
        const source = {
            backend: { image: `dev.example.com/backend@sha256:${digest("a")}` },
            frontend: { image: `dev.example.com/frontend@sha256:${digest("b")}` },
        };
        const { error } = await runFailing(
            promoting(local.config),
            mocksWith(local, { [SOURCE]: source }, `sha256:${digest("e")}`),
        );
        assert.match(
            error.message,
            new RegExp(
                `promoting dev\\.example\\.com/\\w+@sha256:\\w{64}: the copy pushed to localhost:5001/\\w+ has digest sha256:${digest("e")}, not the source's sha256:[ab]{64}`,
            ),
        );
    });

    it("reads the copy's digest over http:// from an insecure stevedore:registry, with credentials kept secret", async () => {
        const config = withConfig(promoting(local.config), (c) => {
            c["stevedore:registry"] = { kind: "generic", address: "http://lab.internal:5000/team", insecure: true };
            c["stevedore:registryUsername"] = "ci";
            c["stevedore:registryPassword"] = "lab-token";
        });
        const source = {
            backend: { image: `dev.example.com/backend@sha256:${digest("a")}` },
            frontend: { image: `dev.example.com/frontend@sha256:${digest("b")}` },
        };
        const run = await runProgram(config, mocksWith(local, { [SOURCE]: source }), ["stevedore:registryPassword"]);
        const raw = run.get(PUSH, "backend-push").inputs.authConfig;
        assert.deepStrictEqual(unsecret(raw), {
            address: "http://lab.internal:5000",
            username: "ci",
            password: "lab-token",
        });
        assert.strictEqual(image(run, "backend"), `lab.internal:5000/team/backend@sha256:${digest("a")}`);
    });

    it("rejects a promoteFrom that is not <org>/<project>/<stack>", async () => {
        const { error } = await runFailing({ ...local.config, "stevedore:promoteFrom": "dev" });
        assert.match(
            error.message,
            /stevedore:promoteFrom = "dev": must be a fully qualified stack name <org>\/<project>\/<stack>/,
        );
    });

    it("does not ask a promoted or pinned app for a build context", async () => {
        const config = withConfig(local.config, (c) =>
            Object.assign(apps(c)[0], {
                context: "apps/missing",
                image: `localhost:5001/backend@sha256:${digest("1")}`,
            }),
        );
        const run = await runProgram(config, mocksWith(local, {}));
        assert.strictEqual(image(run, "backend"), `localhost:5001/backend@sha256:${digest("1")}`);
    });

    it("caps the history at 10 digests", async () => {
        const older = Array.from({ length: 12 }, (_, i) => `localhost:5001/backend@sha256:${digest(i.toString(16))}`);
        const run = await runProgram(
            local.config,
            mocksWith(local, { [SELF]: { backend: { image: older[0], history: older } } }),
        );
        const history = (run.outputs.apps as AppsOutput).backend.history ?? [];
        assert.strictEqual(history.length, 10);
        assert.deepStrictEqual(history.slice(1), older.slice(0, 9));
    });
});
