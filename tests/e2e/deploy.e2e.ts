import * as assert from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { E2eEnvironment } from "./harness/environment";
import { readTree, renderedDeployments } from "./harness/files";
import { freePort } from "./harness/processes";
import { RegistryClient } from "./harness/registryClient";
import { devApps, localStackConfig } from "./harness/stackConfig";
import { CommandResult, expectOk, Workspace } from "./harness/workspace";

const STACK = "e2e";
const NAMESPACE = "stevedore";
const USERNAME = "stevedore-e2e";
const APPS = devApps().map((app) => ({ name: String(app.name), replicas: Number(app.replicas) }));

interface Deployment {
    metadata: { generation: number; annotations?: Record<string, string> };
    spec: { template: { spec: { containers: { image: string }[] } } };
    status: { observedGeneration?: number; replicas?: number; readyReplicas?: number; updatedReplicas?: number; availableReplicas?: number };
}
interface Item {
    metadata: { name: string; labels?: Record<string, string> };
}
interface PreviewStep {
    op: string;
    urn: string;
}

/** Wall times of the e2e's ups, printed at the end: the baseline the real-engine benchmark starts from. */
const timings: Record<string, number> = {};

/**
 * The main job on the real engine: the local target's `pulumi up` with the real CLI, language
 * host, docker and kubernetes provider plugins, a Docker engine, a registry container requiring
 * credentials and a real kube-apiserver whose pods kwok marks Ready (no container runs).
 */
describe("the local target on the real engine (dockerd, registry, kube-apiserver, kwok)", function () {
    this.timeout(15 * 60_000);
    let env: E2eEnvironment;
    let ws: Workspace;
    let registry: RegistryClient;
    let registryPort: number;
    const password = crypto.randomBytes(12).toString("hex");
    const registryContainer = `stevedore-e2e-registry-${crypto.randomBytes(3).toString("hex")}`;

    const timed = (label: string, args: string[]): CommandResult => {
        const start = process.hrtime.bigint();
        const result = ws.pulumi(args, { timeoutMs: 14 * 60_000 });
        timings[label] = Number(process.hrtime.bigint() - start) / 1e9;
        return result;
    };
    const up = (label: string, stack = STACK) => timed(label, ["up", "--yes", "--stack", stack]);
    const kubectl = (args: string[], input?: string) => env.cluster.kubectl(args, input);
    const deployment = (app: string) => env.cluster.getJson<Deployment>(["deployment", app, "-n", NAMESPACE]);
    const replicaSets = (app: string) =>
        env.cluster
            .getJson<{ items: Item[] }>(["replicasets", "-n", NAMESPACE, "-l", `app.kubernetes.io/name=${app}`])
            .items.map((rs) => rs.metadata.name)
            .sort();
    const imageOf = (app: string) => deployment(app).spec.template.spec.containers[0].image;
    /** `repo@digest` from what the registry itself answers for the app's image `tag`. */
    const registryRef = async (app: string, tag: string) => `localhost:${registryPort}/${app}@${await registry.digest(app, tag)}`;
    /** Image pushes and tags the engine recorded since `since` (seconds). */
    const imageEvents = (since: number) => env.docker.imageActions(since).filter((action) => action === "push" || action === "tag");
    const changeSteps = (result: CommandResult) => {
        const doc = JSON.parse(result.output.slice(result.output.indexOf("{"))) as { steps?: PreviewStep[] };
        // stevedore reads its own last outputs (the digest history rollbacks choose from) on every run.
        const selfRead = (step: PreviewStep) => step.op === "read" && step.urn.endsWith("pulumi:pulumi:StackReference::history");
        return (doc.steps ?? []).filter((step) => step.op !== "same" && !selfRead(step)).map((step) => `${step.op} ${step.urn.split("::").slice(-2).join("::")}`);
    };

    before(async function () {
        this.timeout(10 * 60_000);
        env = new E2eEnvironment();
        await env.start();
        registryPort = await freePort();
        registry = new RegistryClient(`http://127.0.0.1:${registryPort}`, { username: USERNAME, password });
        const { DOCKER_HOST, DOCKER_CONFIG } = env.docker.env();
        ws = new Workspace({ DOCKER_HOST, DOCKER_CONFIG });
        ws.createStack(STACK, localStackConfig({ kubeconfig: env.cluster.kubeconfig, registryPort, registryContainer, username: USERNAME }));
        expectOk(ws.pulumi(["config", "set", "--secret", "--stack", STACK, "stevedore:registryPassword", password]), "config set --secret");
    });

    after(function () {
        this.timeout(2 * 60_000);
        const lines = Object.entries(timings).map(([label, seconds]) => `    ${label}: ${seconds.toFixed(1)} s`);
        if (lines.length > 0) console.log(`  wall times of the e2e's pulumi commands:\n${lines.join("\n")}`);
        env?.stop();
        ws?.remove();
    });

    it("first up builds and pushes both images with credentials and deploys each by the digest the registry serves", async () => {
        const since = Date.now() / 1000;
        const result = up("first up");
        expectOk(result, "first pulumi up");
        assert.doesNotMatch(result.output, /renderedTo/, "an unset renderDir must not produce an undefined output warning");

        assert.strictEqual(await registry.ping(false), 401, "the registry container must require credentials");
        assert.strictEqual(await registry.ping(true), 200);
        const outputs = JSON.parse(ws.pulumi(["stack", "output", "--json", "--stack", STACK]).output) as { apps: Record<string, { image: string }> };
        for (const app of APPS) {
            const tags = await registry.tags(app.name);
            assert.strictEqual(tags.length, 1, `${app.name}: one immutable tag pushed, got ${tags.join(", ")}`);
            assert.match(tags[0], /^src-[0-9a-f]{16}$/);
            const ref = await registryRef(app.name, tags[0]);
            assert.strictEqual(imageOf(app.name), ref, `${app.name}: the Deployment runs exactly the pushed digest`);
            assert.strictEqual(outputs.apps[app.name].image, ref);
        }
        // At least one push per app: the events are a working witness for the no-op check below.
        assert.ok(imageEvents(since).filter((action) => action === "push").length >= APPS.length);
    });

    it("awaited each rollout: right after up every replica is updated and ready, with no skipAwait", () => {
        for (const app of APPS) {
            const d = deployment(app.name);
            assert.strictEqual(d.metadata.annotations?.["pulumi.com/skipAwait"], undefined);
            assert.strictEqual(d.status.observedGeneration, d.metadata.generation);
            assert.strictEqual(d.status.updatedReplicas, app.replicas, `${app.name}: updated replicas`);
            assert.strictEqual(d.status.readyReplicas, app.replicas, `${app.name}: ready replicas`);
        }
    });

    it("runs the pods in a namespace that enforces Pod Security restricted, and that enforcement is live", () => {
        const ns = env.cluster.getJson<Item>(["namespace", NAMESPACE]);
        assert.strictEqual(ns.metadata.labels?.["pod-security.kubernetes.io/enforce"], "restricted");
        const pods = env.cluster.getJson<{ items: Item[] }>(["pods", "-n", NAMESPACE]).items;
        assert.strictEqual(pods.length, APPS.reduce((n, app) => n + app.replicas, 0), "every replica was admitted");
        // The usual hand-written pod: no securityContext at all, so root, escalation and every capability allowed.
        const plain = { apiVersion: "v1", kind: "Pod", metadata: { name: "psa-probe", namespace: NAMESPACE }, spec: { containers: [{ name: "c", image: imageOf(APPS[0].name) }] } };
        assert.throws(() => kubectl(["apply", "-f", "-"], JSON.stringify(plain)), /violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false/);
        const privileged = { ...plain, spec: { containers: [{ ...plain.spec.containers[0], securityContext: { privileged: true } }] } };
        assert.throws(() => kubectl(["apply", "-f", "-"], JSON.stringify(privileged)), /violates PodSecurity "restricted:latest": privileged/);
    });

    it("an unchanged program previews no changes and a second up builds and pushes nothing", async () => {
        expectOk(ws.pulumi(["preview", "--expect-no-changes", "--stack", STACK]), "preview --expect-no-changes");
        const before = Object.fromEntries(await Promise.all(APPS.map(async (app) => [app.name, await registry.tags(app.name)] as const)));
        const since = Date.now() / 1000;
        const result = up("no-op up");
        expectOk(result, "second pulumi up");
        assert.doesNotMatch(result.output, /^\s+[+~-]+ \d+ (created|updated|deleted|replaced)/m);
        assert.deepStrictEqual(imageEvents(since), [], "no image was pushed or tagged");
        for (const app of APPS) assert.deepStrictEqual(await registry.tags(app.name), before[app.name]);
    });

    it("a backend source edit previews only the backend image and Deployment, and up rolls only the backend", async () => {
        const source = ws.file("apps/backend/src/app.js");
        fs.appendFileSync(source, "\n// e2e: a change to the backend's code\n");
        const preview = ws.pulumi(["preview", "--json", "--stack", STACK]);
        expectOk(preview, "preview after the edit");
        const steps = changeSteps(preview);
        assert.ok(steps.length === 2, `expected 2 changes, got:\n${steps.join("\n")}`);
        assert.ok(steps.some((s) => /docker:index\/image:Image::backend-image$/.test(s)), steps.join("\n"));
        assert.ok(steps.some((s) => /^update .*apps\/v1:Deployment::backend-deploy$/.test(s)), steps.join("\n"));

        const frontend = { generation: deployment("frontend").metadata.generation, replicaSets: replicaSets("frontend"), image: imageOf("frontend") };
        const backend = { generation: deployment("backend").metadata.generation, replicaSets: replicaSets("backend"), image: imageOf("backend") };
        const tagsBefore = await registry.tags("backend");
        expectOk(up("one-change up"), "up after the edit");

        const newTags = (await registry.tags("backend")).filter((tag) => !tagsBefore.includes(tag));
        assert.strictEqual(newTags.length, 1, "one new backend tag pushed");
        assert.notStrictEqual(imageOf("backend"), backend.image);
        assert.strictEqual(imageOf("backend"), await registryRef("backend", newTags[0]));
        assert.strictEqual(deployment("backend").metadata.generation, backend.generation + 1);
        const newSets = replicaSets("backend").filter((rs) => !backend.replicaSets.includes(rs));
        assert.strictEqual(newSets.length, 1, "one new ReplicaSet for the backend");
        assert.strictEqual(deployment("frontend").metadata.generation, frontend.generation);
        assert.deepStrictEqual(replicaSets("frontend"), frontend.replicaSets);
        assert.strictEqual(imageOf("frontend"), frontend.image);
    });

    it("a broken backend Dockerfile fails up with the build error and leaves the running Deployment alone", () => {
        const dockerfile = ws.file("apps/backend/Dockerfile");
        const original = fs.readFileSync(dockerfile, "utf8");
        const before = { generation: deployment("backend").metadata.generation, image: imageOf("backend") };
        fs.writeFileSync(dockerfile, `${original}\nCOPY no-such-file.js ./\n`);
        const broken = up("broken up");
        assert.notStrictEqual(broken.status, 0, "up must fail on a broken Dockerfile");
        assert.match(broken.output, /no-such-file\.js/, "the error names what the build could not find");
        assert.strictEqual(deployment("backend").metadata.generation, before.generation);
        assert.strictEqual(imageOf("backend"), before.image);

        fs.writeFileSync(dockerfile, original);
        expectOk(up("fixed up"), "up after the fix");
        assert.strictEqual(imageOf("backend"), before.image, "the fixed Dockerfile is the one already deployed");
    });

    it("render mode writes manifests pinned to the digests the registry serves, and the API server accepts them (dry run)", async () => {
        const renderDir = fs.mkdtempSync(path.join(os.tmpdir(), "stevedore-e2e-render-"));
        try {
            ws.createStack("render", {
                ...localStackConfig({ kubeconfig: env.cluster.kubeconfig, registryPort, registryContainer, username: USERNAME }),
                // The e2e stack's registry, so the same images are found by the same digests.
                "stevedore:local": { registry: { mode: "existing", address: `localhost:${registryPort}` } },
                "stevedore:renderDir": renderDir,
            });
            expectOk(ws.pulumi(["config", "set", "--secret", "--stack", "render", "stevedore:registryPassword", password]), "config set --secret");
            const renderUp = up("render up", "render");
            expectOk(renderUp, "up of the render stack");
            assert.match(renderUp.output, /the pull Secret stevedore-pull is not rendered/, "render up says how to create the pull Secret");
            const rendered = renderedDeployments(renderDir);
            // The render stack builds its own images (docker builds are not byte-reproducible, so
            // their digests differ from the e2e stack's); each manifest must pin the one it pushed.
            const pushed = pushedTags(ws.stateResources("render"));
            for (const app of APPS) {
                const tag = pushed.get(app.name);
                assert.ok(tag !== undefined, `${app.name}: the render stack pushed an image`);
                assert.strictEqual(rendered.get(app.name), await registryRef(app.name, tag), `${app.name}: rendered digest`);
            }
            // The pull Secret is named, never written: no rendered file holds the registry password.
            const renderedText = readTree(renderDir);
            assert.ok(!renderedText.includes(password), "the registry password is in a rendered manifest");
            assert.ok(!renderedText.includes(Buffer.from(`${USERNAME}:${password}`).toString("base64")), "the base64 auth is in a rendered manifest");
            assert.match(renderedText, /stevedore-pull/, "the Deployments name the pull Secret");
            const applied = kubectl(["apply", "--dry-run=server", "-R", "-f", renderDir]);
            assert.match(applied, /deployment\.apps\/backend (configured|unchanged|created) \(server dry run\)/);
            expectOk(ws.pulumi(["destroy", "--yes", "--stack", "render"], { timeoutMs: 5 * 60_000 }), "destroy of the render stack");
        } finally {
            fs.rmSync(renderDir, { recursive: true, force: true });
        }
    });

    it("destroy removes everything stevedore made, the registry container included", () => {
        const result = timed("destroy", ["destroy", "--yes", "--stack", STACK]);
        expectOk(result, "pulumi destroy");
        assert.strictEqual(env.cluster.kubectlRaw(["get", "namespace", NAMESPACE, "-o", "name", "--ignore-not-found"]), "");
        assert.strictEqual(env.docker.docker(["ps", "-a", "--filter", `name=^${registryContainer}$`, "--format", "{{.Names}}"]).trim(), "");
        const left = ws.stateResources(STACK).filter((r) => r.type !== "pulumi:pulumi:Stack");
        assert.deepStrictEqual(left, []);
    });
});

/** App name -> tag each docker.Image of a stack's state pushed (`repo:src-…`). */
function pushedTags(resources: { type: string; urn: string; outputs?: Record<string, unknown> }[]): Map<string, string> {
    const tags = new Map<string, string>();
    for (const r of resources.filter((r) => r.type === "docker:index/image:Image")) {
        const imageName = typeof r.outputs?.imageName === "string" ? r.outputs.imageName : "";
        const app = r.urn.split("::").pop()?.replace(/-image$/, "") ?? "";
        tags.set(app, imageName.slice(imageName.lastIndexOf(":") + 1));
    }
    return tags;
}

