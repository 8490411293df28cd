import * as assert from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import { E2eEnvironment } from "./harness/environment";
import { freePort, waitFor } from "./harness/processes";
import { RegistryClient } from "./harness/registryClient";
import { devApps, localStackConfig } from "./harness/stackConfig";
import { expectOk, Workspace } from "./harness/workspace";

const USERNAME = "stevedore-e2e";
const APPS = ["backend", "frontend"];

interface Pod {
    metadata: { deletionTimestamp?: string };
    spec: { nodeName?: string; containers: { image: string }[] };
    status: { phase?: string; containerStatuses?: { imageID: string; ready: boolean }[] };
}
type AppsOutput = Record<string, { image: string; history?: string[] }>;

/** One stack of the flow: its name, namespace, registry (port, container, password) and a client of that registry. */
interface StackUnderTest {
    name: string;
    namespace: string;
    port: number;
    password: string;
    registry: RegistryClient;
}

/**
 * Build once, promote, roll back, on a real node: `dev` builds and pushes to its registry; `prod`
 * (stevedore:promoteFrom dev) builds nothing, copies each digest into its own registry with the
 * digest kept, and its pods pull it from there with prod's pull Secret; `npm run rollback` on prod
 * redeploys the previous digest with no build and no copy. Two registries on loopback, each
 * requiring its own credentials; one cluster, one namespace per stack.
 */
describe("dev -> prod promotion and rollback by digest on a real node (two registries)", function () {
    this.timeout(15 * 60_000);
    let env: E2eEnvironment;
    let ws: Workspace;
    let dev: StackUnderTest;
    let prod: StackUnderTest;
    /** Digests of each app as dev built them, oldest first. */
    const built: Record<string, string[]> = { backend: [], frontend: [] };

    const up = (stack: StackUnderTest) => expectOk(ws.pulumi(["up", "--yes", "--stack", stack.name], { timeoutMs: 12 * 60_000 }), `pulumi up --stack ${stack.name}`);
    const appsOutput = (stack: StackUnderTest) => JSON.parse(ws.pulumi(["stack", "output", "apps", "--json", "--stack", stack.name]).output) as AppsOutput;
    const digestOf = (ref: string) => ref.slice(ref.indexOf("@") + 1);
    const deployedImage = (stack: StackUnderTest, app: string) =>
        env.cluster.getJson<{ spec: { template: { spec: { containers: { image: string }[] } } } }>(["deployment", app, "-n", stack.namespace]).spec.template.spec.containers[0].image;
    const pods = (stack: StackUnderTest, app: string) => env.cluster.getJson<{ items: Pod[] }>(["pods", "-n", stack.namespace, "-l", `app.kubernetes.io/name=${app}`]).items;
    /** Image events of the engine since `since` (seconds), counted by action. */
    const actions = (since: number) => {
        const counts: Record<string, number> = {};
        for (const action of env.docker.imageActions(since)) counts[action] = (counts[action] ?? 0) + 1;
        return counts;
    };
    /** Resources of a type in the stack's state, e.g. the docker builds (`docker:index/image:Image`). */
    const stateCount = (stack: StackUnderTest, type: string) => ws.stateResources(stack.name).filter((r) => r.type === type).length;

    /** Every pod of `app` on prod runs `ref`, on the real node, with the container started from that digest. */
    const assertProdRuns = async (app: string, ref: string) => {
        assert.strictEqual(deployedImage(prod, app), ref, `${app}: prod's Deployment runs ${ref}`);
        // A replaced pod drains for drainSeconds after `up` returns; only the pods staying count. The
        // rollout is complete once the old ReplicaSet is scaled to 0, but its controller marks the old
        // pod deleted a moment later: give it a few seconds before counting.
        const staying = () => pods(prod, app).filter((pod) => pod.metadata.deletionTimestamp === undefined);
        const running = await waitFor(`${app}: one prod pod`, () => (staying().length === 1 ? staying() : undefined), 15_000).catch(() => staying());
        assert.strictEqual(running.length, 1, `${app}: one prod pod`);
        for (const pod of running) {
            assert.strictEqual(pod.spec.nodeName, env.node?.name);
            assert.strictEqual(pod.status.phase, "Running");
            assert.strictEqual(pod.spec.containers[0].image, ref);
            assert.ok(pod.status.containerStatuses?.[0].ready, `${app}: the prod container is ready`);
            assert.match(pod.status.containerStatuses?.[0].imageID ?? "", new RegExp(`${digestOf(ref)}$`), `${app}: the container runs digest ${digestOf(ref)}`);
        }
    };

    /**
     * Drops dev's references (tags and pulled digests) from the engine, so a promotion pulls from
     * dev's registry as another machine would. By reference, not by ID: an image prod has tagged
     * too stays for prod's own state.
     */
    const forgetDevImages = () => {
        const lines = env.docker.docker(["images", "--digests", "--format", "{{.Repository}} {{.Tag}} {{.Digest}}"]).split("\n").filter((line) => line.startsWith(`localhost:${dev.port}/`));
        const refs = lines.flatMap((line) => {
            const [repository, tag, digest] = line.split(" ");
            return [tag !== "<none>" ? `${repository}:${tag}` : "", digest !== "<none>" ? `${repository}@${digest}` : ""].filter(Boolean);
        });
        for (const ref of refs) {
            try {
                env.docker.docker(["rmi", ref]);
            } catch (error) {
                // Removing an image's last tag also removes its digest references.
                if (!String(error).includes("No such image")) throw error;
            }
        }
    };

    const stack = async (name: string): Promise<StackUnderTest> => {
        const port = await freePort();
        const password = crypto.randomBytes(12).toString("hex");
        env.node?.trustRegistry(`localhost:${port}`);
        return { name, namespace: `stevedore-${name}`, port, password, registry: new RegistryClient(`http://127.0.0.1:${port}`, { username: USERNAME, password }) };
    };
    const createStack = (s: StackUnderTest, extra: Record<string, unknown>) => {
        const config = localStackConfig({ kubeconfig: env.cluster.kubeconfig, registryPort: s.port, registryContainer: `stevedore-e2e-${s.name}-${crypto.randomBytes(3).toString("hex")}`, username: USERNAME });
        // One replica per app: two stacks share the one node.
        config["stevedore:apps"] = devApps().map((app) => ({ ...app, replicas: 1 }));
        ws.createStack(s.name, { ...config, "stevedore:namespace": s.namespace, ...extra });
        expectOk(ws.pulumi(["config", "set", "--secret", "--stack", s.name, "stevedore:registryPassword", s.password]), "config set --secret");
    };

    before(async function () {
        this.timeout(10 * 60_000);
        env = new E2eEnvironment("real");
        await env.start();
        dev = await stack("dev");
        prod = await stack("prod");
        assert.notStrictEqual(dev.port, prod.port);
        const { DOCKER_HOST, DOCKER_CONFIG } = env.docker.env();
        ws = new Workspace({ DOCKER_HOST, DOCKER_CONFIG });
        createStack(dev, {});
        // prod pulls from dev's private registry with the docker provider's registryAuth, as docs/promotion.md says.
        createStack(prod, {
            "stevedore:promoteFrom": "organization/stevedore/dev",
            "docker:registryAuth": [{ address: `localhost:${dev.port}`, username: USERNAME }],
        });
        expectOk(ws.pulumi(["config", "set", "--secret", "--path", "--stack", prod.name, "docker:registryAuth[0].password", dev.password]), "config set registryAuth password");
    });

    after(function () {
        this.timeout(3 * 60_000);
        env?.stop();
        ws?.remove();
    });

    it("prod, promoting from dev, builds nothing and copies each digest into its own registry unchanged, and its pods run it from there", async () => {
        up(dev);
        const devOut = appsOutput(dev);
        for (const app of APPS) {
            const ref = devOut[app].image;
            assert.ok(ref.startsWith(`localhost:${dev.port}/${app}@sha256:`), `${app}: dev deploys from dev's registry: ${ref}`);
            const tags = await dev.registry.tags(app);
            assert.strictEqual(await dev.registry.digest(app, tags[0]), digestOf(ref));
            built[app].push(digestOf(ref));
        }
        forgetDevImages();

        const since = Date.now() / 1000;
        up(prod);
        const events = actions(since);
        assert.strictEqual(stateCount(prod, "docker:index/image:Image"), 0, "prod has no image build in its state");
        assert.strictEqual(events.push, APPS.length, `one push per app (the copies), got ${JSON.stringify(events)}`);
        assert.strictEqual(events.pull, APPS.length, `one pull per app from dev's registry, got ${JSON.stringify(events)}`);

        const prodApps = appsOutput(prod);
        for (const app of APPS) {
            const digest = built[app][0];
            const ref = `localhost:${prod.port}/${app}@${digest}`;
            assert.strictEqual(prodApps[app].image, ref, `${app}: prod reports dev's digest in prod's registry`);
            // What prod's registry itself answers, apart from the program's own check of the push.
            const tag = `promoted-${digest.slice("sha256:".length, "sha256:".length + 12)}`;
            assert.deepStrictEqual(await prod.registry.tags(app), [tag]);
            assert.strictEqual(await prod.registry.digest(app, tag), digest, `${app}: the copy in prod's registry has dev's digest`);
            await assertProdRuns(app, ref);
        }
        // containerd pulled prod's references from prod's registry, with prod's pull Secret (dev's pods pulled dev's).
        const images = env.node?.ctr(["images", "ls", "-q"]) ?? "";
        for (const app of APPS) assert.match(images, new RegExp(`localhost:${prod.port}/${app}@${built[app][0]}`));
        expectOk(ws.pulumi(["preview", "--expect-no-changes", "--stack", prod.name]), "prod preview --expect-no-changes after the promotion");
    });

    it("a new dev build reaches prod on prod's next up only, which copies the changed app alone", async () => {
        fs.appendFileSync(ws.file("apps/backend/src/app.js"), "\n// e2e: a change that dev builds and prod promotes\n");
        up(dev);
        const devOut = appsOutput(dev);
        const rebuilt = digestOf(devOut.backend.image);
        assert.notStrictEqual(rebuilt, built.backend[0], "dev rebuilt the backend");
        assert.strictEqual(digestOf(devOut.frontend.image), built.frontend[0], "dev left the unchanged frontend alone");
        built.backend.push(rebuilt);
        await assertProdRuns("backend", `localhost:${prod.port}/backend@${built.backend[0]}`);
        forgetDevImages();

        const since = Date.now() / 1000;
        up(prod);
        const events = actions(since);
        assert.strictEqual(events.push, 1, `only the backend is copied, got ${JSON.stringify(events)}`);
        await assertProdRuns("backend", `localhost:${prod.port}/backend@${rebuilt}`);
        await assertProdRuns("frontend", `localhost:${prod.port}/frontend@${built.frontend[0]}`);
        const history = appsOutput(prod).backend.history ?? [];
        assert.deepStrictEqual(history.slice(0, 2), [`localhost:${prod.port}/backend@${rebuilt}`, `localhost:${prod.port}/backend@${built.backend[0]}`], "prod's history: newest first");
    });

    it("`npm run rollback` on prod redeploys the previous digest with no build and no copy, and says which it chose", async () => {
        const previous = `localhost:${prod.port}/backend@${built.backend[0]}`;
        const current = `localhost:${prod.port}/backend@${built.backend[1]}`;
        const since = Date.now() / 1000;
        // The toolchain builds no policy analyzer plugin, so this up runs without the pack.
        const rollback = ws.run("ts-node", ["scripts/rollback.ts", "--stack", prod.name, "backend", "--no-policy", "--yes", "--non-interactive"], { timeoutMs: 12 * 60_000 });
        expectOk(rollback, "npm run rollback");
        assert.ok(rollback.output.includes(`backend: rolling back from ${current}`), rollback.output);
        assert.ok(rollback.output.includes(`backend: to ${previous} (1 deploy(s) back)`), rollback.output);
        const events = actions(since);
        assert.strictEqual(events.push ?? 0, 0, `a rollback pushes nothing, got ${JSON.stringify(events)}`);
        assert.strictEqual(events.pull ?? 0, 0, `a rollback pulls nothing into the engine, got ${JSON.stringify(events)}`);
        await assertProdRuns("backend", previous);
        await assertProdRuns("frontend", `localhost:${prod.port}/frontend@${built.frontend[0]}`);
        // The pin is in the stack file, for review; the newer copy stays in the registry (keepRemotely) for a roll forward.
        assert.match(ws.stackFile(prod.name), new RegExp(`image: ${previous}`));
        assert.strictEqual(await prod.registry.digest("backend", `promoted-${built.backend[1].slice(7, 19)}`), built.backend[1]);

        const unpin = ws.run("ts-node", ["scripts/rollback.ts", "--stack", prod.name, "backend", "--unpin", "--no-policy", "--yes", "--non-interactive"], { timeoutMs: 12 * 60_000 });
        expectOk(unpin, "npm run rollback -- --unpin");
        await assertProdRuns("backend", current);
        assert.doesNotMatch(ws.stackFile(prod.name), new RegExp(`image: localhost:${prod.port}/backend@`));
    });
});
