import * as assert from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as zlib from "zlib";
import { BuildKit } from "./harness/buildkit";
import { DockerEngine } from "./harness/dockerEngine";
import { readTree, renderedDeployments } from "./harness/files";
import { PlainRegistry } from "./harness/plainRegistry";
import { freePort, run, stopAll } from "./harness/processes";
import { RegistryClient } from "./harness/registryClient";
import { devApps, NODE_IMAGE, REGISTRY_IMAGE } from "./harness/stackConfig";
import { ROOT } from "./harness/toolchain";

/** The last commit before docker-build came in: the version an existing stack was deployed with. */
const PREVIOUS_VERSION = "c62b85b";
/** The program's own files (not apps/, not package.json: node_modules is shared). */
const PROGRAM_FILES = ["Pulumi.yaml", "tsconfig.json", "main.js", "index.ts", "components"];
import { CommandResult, expectOk, Workspace } from "./harness/workspace";

const STACK = "build";
const USERNAME = "stevedore-e2e";

interface PreviewStep {
    op: string;
    urn: string;
}

const timings: Record<string, number> = {};

/** The files of one tar stream, by path (enough of the format for BuildKit's layers). */
function tarFiles(tar: Buffer): Map<string, Buffer> {
    const files = new Map<string, Buffer>();
    for (let at = 0; at + 512 <= tar.length; ) {
        const header = tar.subarray(at, at + 512);
        const name = header.subarray(0, 100).toString("utf8").replace(/\0.*$/s, "");
        if (name === "") break;
        const size = parseInt(header.subarray(124, 136).toString("utf8").replace(/\0.*$/s, "").trim() || "0", 8);
        files.set(name.replace(/^\.?\//, ""), tar.subarray(at + 512, at + 512 + size));
        at += 512 + Math.ceil(size / 512) * 512;
    }
    return files;
}

/**
 * Builds on BuildKit through @pulumi/docker-build, for real: the test's own buildkitd (a `remote`
 * buildx builder), a Docker engine for the registry container stevedore creates, the CLI and the
 * docker, docker-build and kubernetes plugins; render mode, so no cluster is needed. The base
 * image lives in a plain registry of the test's own, since buildkitd cannot see dockerd's images.
 */
describe("builds on a buildx builder (buildkitd, docker-build, registry; render mode)", function () {
    this.timeout(15 * 60_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stevedore-e2e-build-"));
    const docker = new DockerEngine(path.join(dir, "docker"));
    const buildkit = new BuildKit(path.join(dir, "buildkit"));
    const base = new PlainRegistry(path.join(dir, "base-registry"));
    const renderDir = path.join(dir, "render");
    const password = crypto.randomBytes(12).toString("hex");
    const npmToken = `npm_${crypto.randomBytes(16).toString("hex")}`;
    const registryContainer = `stevedore-e2e-registry-${crypto.randomBytes(3).toString("hex")}`;
    let registryPort: number;
    let registry: RegistryClient;
    let ws: Workspace;

    const timed = (label: string, args: string[]): CommandResult => {
        const start = process.hrtime.bigint();
        const result = ws.pulumi(args, { timeoutMs: 14 * 60_000 });
        timings[label] = Number(process.hrtime.bigint() - start) / 1e9;
        return result;
    };
    const up = (label: string) => timed(label, ["up", "--yes", "--stack", STACK]);
    const registryRef = async (app: string, tag: string) => `localhost:${registryPort}/${app}@${await registry.digest(app, tag)}`;
    const srcTags = async (app: string) => (await registry.tags(app)).filter((t) => t.startsWith("src-")).sort();
    const changeSteps = (result: CommandResult) => {
        const doc = JSON.parse(result.output.slice(result.output.indexOf("{"))) as { steps?: PreviewStep[] };
        const selfRead = (step: PreviewStep) => step.op === "read" && step.urn.endsWith("pulumi:pulumi:StackReference::history");
        return (doc.steps ?? []).filter((step) => step.op !== "same" && !selfRead(step)).map((step) => `${step.op} ${step.urn.split("::").slice(-2).join("::").replace(/^.*\$/, "")}`);
    };
    const APPS = ["backend", "frontend", "secretive", "multi"];

    before(async function () {
        this.timeout(10 * 60_000);
        fs.mkdirSync(renderDir);
        await Promise.all([docker.start(), buildkit.start(), base.start()]);
        docker.buildTestImages(ROOT);
        const baseNode = `${base.address}/${NODE_IMAGE}`;
        docker.docker(["tag", NODE_IMAGE, baseNode]);
        docker.docker(["push", baseNode]);

        registryPort = await freePort();
        registry = new RegistryClient(`http://127.0.0.1:${registryPort}`, { username: USERNAME, password });
        ws = new Workspace({ ...buildkit.env(), DOCKER_HOST: docker.host });
        // An app whose build reads a secret (and keeps only its length), and a COPY-only app for two platforms.
        const secretive = ws.file("apps/secretive");
        fs.mkdirSync(secretive, { recursive: true });
        fs.writeFileSync(
            path.join(secretive, "Dockerfile"),
            [
                "ARG NODE_IMAGE",
                "FROM ${NODE_IMAGE}",
                `RUN --mount=type=secret,id=npm_token,required=true ["node", "-e", "const fs = require('fs'); fs.writeFileSync('/secret-length', String(fs.readFileSync('/run/secrets/npm_token').length))"]`,
                'CMD ["node", "-e", "setInterval(() => {}, 1000)"]',
                "",
            ].join("\n"),
        );
        const multi = ws.file("apps/multi");
        fs.mkdirSync(multi, { recursive: true });
        fs.writeFileSync(path.join(multi, "hello.txt"), "hello from every platform\n");
        fs.writeFileSync(path.join(multi, "Dockerfile"), "FROM scratch\nCOPY hello.txt /hello.txt\n");

        const apps = devApps().map((app) => ({ ...app, buildArgs: { NODE_IMAGE: baseNode } }));
        ws.createStack(STACK, {
            "stevedore:target": "local",
            "stevedore:local": { registry: { port: registryPort, image: REGISTRY_IMAGE, containerName: registryContainer } },
            "stevedore:renderDir": renderDir,
            "stevedore:builder": buildkit.builder,
            "stevedore:registryUsername": USERNAME,
            "stevedore:apps": [
                ...apps,
                { name: "secretive", replicas: 1, buildArgs: { NODE_IMAGE: baseNode }, buildSecrets: { npm_token: "npmToken" } },
                { name: "multi", replicas: 1, platform: ["linux/amd64", "linux/arm64"] },
            ],
        });
        expectOk(ws.pulumi(["config", "set", "--secret", "--stack", STACK, "stevedore:registryPassword", password]), "config set --secret");
        expectOk(ws.pulumi(["config", "set", "--secret", "--stack", STACK, "stevedore:npmToken", npmToken]), "config set --secret npmToken");
    });

    after(function () {
        this.timeout(2 * 60_000);
        const lines = Object.entries(timings).map(([label, seconds]) => `    ${label}: ${seconds.toFixed(1)} s`);
        if (lines.length > 0) console.log(`  wall times of the build e2e's pulumi commands:\n${lines.join("\n")}`);
        if (ws !== undefined) ws.pulumi(["destroy", "--yes", "--stack", STACK], { timeoutMs: 5 * 60_000 });
        buildkit.stop();
        docker.stop();
        base.stop();
        stopAll();
        ws?.remove();
        if (process.env.STEVEDORE_E2E_KEEP !== "1") fs.rmSync(dir, { recursive: true, force: true });
    });

    it("first up builds on the buildx builder, pushes one content tag and a build cache per app, and pins each Deployment to the digest the registry serves", async () => {
        expectOk(up("first up"), "first up");
        const rendered = renderedDeployments(renderDir);
        for (const app of APPS) {
            const tags = await srcTags(app);
            assert.strictEqual(tags.length, 1, `${app}: one content tag, got ${tags.join(", ")}`);
            assert.ok((await registry.tags(app)).includes("buildcache"), `${app}: the registry cache was written`);
            assert.strictEqual(rendered.get(app), await registryRef(app, tags[0]), `${app}: rendered digest`);
        }
        const outputs = JSON.parse(ws.pulumi(["stack", "output", "--json", "--stack", STACK]).output) as { apps: Record<string, { image: string }> };
        assert.strictEqual(outputs.apps.backend.image, rendered.get("backend"));
    });

    it("a multi-platform app is one image index holding linux/amd64 and linux/arm64, and its Deployment pins the index", async () => {
        const [tag] = await srcTags("multi");
        const index = await registry.manifest("multi", tag);
        assert.match(index.mediaType ?? "", /index|manifest\.list/, `an index, got ${index.mediaType}`);
        const platforms = (index.manifests ?? []).map((m) => (m.platform === undefined ? "" : `${m.platform.os}/${m.platform.architecture}`)).filter((p) => p !== "unknown/unknown");
        assert.deepStrictEqual(platforms.sort(), ["linux/amd64", "linux/arm64"]);
        assert.strictEqual(renderedDeployments(renderDir).get("multi"), await registryRef("multi", tag));
    });

    it("a build secret reaches the build and nothing else: not the layers, the config, the history, the state or the outputs", async () => {
        const [tag] = await srcTags("secretive");
        const manifest = await registry.manifest("secretive", tag);
        const single = manifest.manifests === undefined ? manifest : await registry.manifest("secretive", manifest.manifests[0].digest);
        const configBlob = await registry.blob("secretive", single.config?.digest ?? "");
        assert.ok(!configBlob.includes(npmToken), "the image config holds the secret");
        let sawLength = false;
        for (const layer of single.layers ?? []) {
            const tar = zlib.gunzipSync(await registry.blob("secretive", layer.digest));
            assert.ok(!tar.includes(npmToken), `layer ${layer.digest} holds the secret`);
            const written = tarFiles(tar).get("secret-length");
            if (written !== undefined) {
                assert.strictEqual(written.toString(), String(npmToken.length), "the build read the mounted secret");
                sawLength = true;
            }
        }
        assert.ok(sawLength, "the RUN step that reads the secret ran");
        const ref = await registryRef("secretive", tag);
        run("docker", ["login", "--username", USERNAME, "--password-stdin", `localhost:${registryPort}`], { env: docker.env(), input: password });
        docker.docker(["pull", ref]);
        const history = docker.docker(["history", "--no-trunc", "--format", "{{.CreatedBy}}", ref]);
        assert.match(history, /secret-length/, "the history shows the RUN step that read the secret");
        assert.ok(!history.includes(npmToken), "docker history holds the secret");
        assert.ok(!docker.docker(["image", "inspect", ref]).includes(npmToken), "docker inspect shows the secret");
        const b64 = Buffer.from(npmToken).toString("base64");
        const state = readTree(ws.stateDir);
        assert.ok(state.length > 0 && !state.includes(npmToken) && !state.includes(b64), "the state holds the secret in plain text");
        assert.ok(!ws.stackFile(STACK).includes(npmToken), "the stack file holds the secret in plain text");
        const outputs = ws.pulumi(["stack", "output", "--json", "--show-secrets", "--stack", STACK]).output;
        assert.ok(outputs.includes("secretive") && !outputs.includes(npmToken), "an output holds the secret");
    });

    it("an unchanged program previews no changes and a second up pushes nothing", async () => {
        const before = new Map<string, string[]>();
        for (const app of APPS) before.set(app, await registry.tags(app));
        const digests = await Promise.all(APPS.map(async (app) => registry.digest(app, (await srcTags(app))[0])));
        expectOk(timed("preview (no-op)", ["preview", "--expect-no-changes", "--stack", STACK]), "preview --expect-no-changes");
        const second = up("second up (no-op)");
        expectOk(second, "second up");
        assert.doesNotMatch(second.output, /docker-build:index:Image.*(updat|creat|replac)/);
        for (const [i, app] of APPS.entries()) {
            assert.deepStrictEqual(await registry.tags(app), before.get(app), `${app}: tags unchanged`);
            assert.strictEqual(await registry.digest(app, (await srcTags(app))[0]), digests[i], `${app}: nothing re-pushed under its tag`);
        }
    });

    it("a backend edit rebuilds and re-renders the backend alone", async () => {
        const frontendBefore = renderedDeployments(renderDir).get("frontend");
        const [oldTag] = await srcTags("backend");
        const source = ws.file("apps/backend/src/app.js");
        fs.appendFileSync(source, "\n// e2e edit\n");
        const preview = ws.pulumi(["preview", "--json", "--stack", STACK]);
        expectOk(preview, "preview --json");
        assert.deepStrictEqual(changeSteps(preview).sort(), ["update kubernetes:apps/v1:Deployment::backend-deploy", "update docker-build:index:Image::backend-image"].sort());
        expectOk(up("backend edit"), "up after the edit");
        const newTags = (await srcTags("backend")).filter((t) => t !== oldTag);
        assert.strictEqual(newTags.length, 1, "one new content tag");
        const rendered = renderedDeployments(renderDir);
        assert.strictEqual(rendered.get("backend"), await registryRef("backend", newTags[0]));
        assert.strictEqual(rendered.get("frontend"), frontendBefore, "the frontend is untouched");
    });

    it("a broken Dockerfile fails the up naming the missing path, pushes nothing, and the fix leaves no change", async () => {
        const dockerfile = ws.file("apps/frontend/Dockerfile");
        const original = fs.readFileSync(dockerfile, "utf8");
        const tagsBefore = await registry.tags("frontend");
        const renderedBefore = renderedDeployments(renderDir).get("frontend");
        try {
            fs.writeFileSync(dockerfile, original.replace("COPY src ./src", "COPY no-such-dir ./src"));
            const failed = up("up with a broken Dockerfile");
            assert.notStrictEqual(failed.status, 0, "the up must fail");
            assert.match(failed.output, /no-such-dir/, "the failure names the missing path");
            assert.deepStrictEqual(await registry.tags("frontend"), tagsBefore, "nothing was pushed");
            assert.strictEqual(renderedDeployments(renderDir).get("frontend"), renderedBefore, "the Deployment is untouched");
        } finally {
            fs.writeFileSync(dockerfile, original);
        }
        expectOk(ws.pulumi(["preview", "--expect-no-changes", "--stack", STACK]), "preview after the fix");
    });

    it("refreshBaseImages: a republished base image changes nothing without it, and with it rebuilds exactly the apps built on it", async () => {
        const baseNode = `${base.address}/${NODE_IMAGE}`;
        const republish = (rev: number) => {
            run("docker", ["build", "-t", baseNode, "-"], { env: docker.env(), input: `FROM ${baseNode}\nLABEL stevedore.e2e.rev=${rev}\n`, timeoutMs: 120_000 });
            docker.docker(["push", baseNode]);
        };
        const ON_NODE = ["backend", "frontend", "secretive"].flatMap((app) => [`update docker-build:index:Image::${app}-image`, `update kubernetes:apps/v1:Deployment::${app}-deploy`]).sort();
        republish(2);
        expectOk(ws.pulumi(["preview", "--expect-no-changes", "--stack", STACK]), "preview without the opt-in");
        expectOk(ws.pulumi(["config", "set", "--stack", STACK, "stevedore:refreshBaseImages", "true"]), "config set refreshBaseImages");
        const enabled = ws.pulumi(["preview", "--json", "--stack", STACK]);
        expectOk(enabled, "preview --json with the opt-in");
        assert.deepStrictEqual(changeSteps(enabled).sort(), ON_NODE, "turning it on rebuilds the apps built on the base once; multi (FROM scratch) stays");
        expectOk(up("up with refreshBaseImages"), "up with the opt-in");
        expectOk(ws.pulumi(["preview", "--expect-no-changes", "--stack", STACK]), "preview right after");
        const multiBefore = renderedDeployments(renderDir).get("multi");
        republish(3);
        const refreshed = ws.pulumi(["preview", "--json", "--stack", STACK]);
        expectOk(refreshed, "preview --json after the base was republished");
        assert.deepStrictEqual(changeSteps(refreshed).sort(), ON_NODE, "exactly the apps built on the base");
        expectOk(timed("up after a base refresh", ["up", "--yes", "--stack", STACK]), "up after the base was republished");
        const rendered = renderedDeployments(renderDir);
        const state = ws.stateResources(STACK);
        for (const app of ["backend", "frontend", "secretive"]) {
            const image = state.find((r) => r.type === "docker-build:index:Image" && r.urn.endsWith(`::${app}-image`));
            const tag = String(((image?.outputs?.tags ?? []) as string[])[0]);
            assert.strictEqual(rendered.get(app), await registryRef(app, tag.slice(tag.lastIndexOf(":") + 1)), `${app}: pinned to the rebuilt image's digest`);
        }
        assert.strictEqual(rendered.get("multi"), multiBefore, "multi is untouched");
        expectOk(ws.pulumi(["preview", "--expect-no-changes", "--stack", STACK]), "preview after the refresh");
    });

    it("a stack built by the Docker engine switches to the buildx builder in one up: each image rebuilt once under its tag, nothing left of the old builder", async () => {
        const switchDir = fs.mkdtempSync(path.join(dir, "switch-render-"));
        const baseNode = `${base.address}/${NODE_IMAGE}`;
        ws.createStack("switch", {
            "stevedore:target": "local",
            "stevedore:local": { registry: { mode: "existing", address: `localhost:${registryPort}` } },
            "stevedore:renderDir": switchDir,
            "stevedore:registryUsername": USERNAME,
            "stevedore:apps": devApps().map((app) => ({ ...app, buildArgs: { NODE_IMAGE: baseNode } })),
        });
        expectOk(ws.pulumi(["config", "set", "--secret", "--stack", "switch", "stevedore:registryPassword", password]), "config set --secret");
        expectOk(timed("engine builder up", ["up", "--yes", "--stack", "switch"]), "up on the Docker engine's builder");
        const engineState = ws.stateResources("switch");
        const engineTags = new Map(engineState.filter((r) => r.type === "docker:index/image:Image").map((r) => [r.urn.split("::").pop(), String(r.outputs?.imageName)]));
        assert.strictEqual(engineTags.size, 2, "two engine builds");

        expectOk(ws.pulumi(["config", "set", "--stack", "switch", "stevedore:builder", buildkit.builder]), "config set builder");
        const switched = timed("builder switch up", ["up", "--yes", "--stack", "switch"]);
        expectOk(switched, "up after switching the builder");
        const state = ws.stateResources("switch");
        assert.deepStrictEqual(state.filter((r) => r.type === "docker:index/image:Image"), [], "no engine build is left in the state");
        const rendered = renderedDeployments(switchDir);
        for (const app of ["backend", "frontend"]) {
            const image = state.find((r) => r.type === "docker-build:index:Image" && r.urn.endsWith(`::${app}-image`));
            const tags = (image?.outputs?.tags ?? []) as string[];
            assert.deepStrictEqual(tags, [engineTags.get(`${app}-image`)], `${app}: the same content tag`);
            const tag = tags[0].slice(tags[0].lastIndexOf(":") + 1);
            assert.strictEqual(rendered.get(app), await registryRef(app, tag), `${app}: pinned to what the registry now serves for the tag`);
        }
        expectOk(ws.pulumi(["preview", "--expect-no-changes", "--stack", "switch"]), "preview after the switch");
        expectOk(ws.pulumi(["destroy", "--yes", "--stack", "switch"], { timeoutMs: 5 * 60_000 }), "destroy of the switch stack");
    });

    it("a stack deployed by the previous version upgrades with no rebuild: same tags, digests and Deployments, the rendered pull Secret removed", () => {
        const upgradeDir = fs.mkdtempSync(path.join(dir, "upgrade-render-"));
        const baseNode = `${base.address}/${NODE_IMAGE}`;
        // The previous version's program, from this repository's history, in place of this one's.
        const swap = (from: "previous" | "current") => {
            for (const file of PROGRAM_FILES) fs.rmSync(ws.file(file), { recursive: true, force: true });
            if (from === "current") for (const file of PROGRAM_FILES) fs.cpSync(path.join(ROOT, file), ws.file(file), { recursive: true });
            else run("bash", ["-c", `git -C "$0" archive ${PREVIOUS_VERSION} ${PROGRAM_FILES.join(" ")} | tar -x -C "$1"`, ROOT, ws.dir]);
        };
        ws.createStack("upgrade", {
            "stevedore:target": "local",
            "stevedore:local": { registry: { mode: "existing", address: `localhost:${registryPort}` } },
            "stevedore:renderDir": upgradeDir,
            "stevedore:registryUsername": USERNAME,
            "stevedore:apps": devApps().map((app) => ({ ...app, buildArgs: { NODE_IMAGE: baseNode } })),
        });
        expectOk(ws.pulumi(["config", "set", "--secret", "--stack", "upgrade", "stevedore:registryPassword", password]), "config set --secret");
        let before: { type: string; urn: string; outputs?: Record<string, unknown> }[];
        try {
            swap("previous");
            expectOk(timed("previous version up", ["up", "--yes", "--stack", "upgrade"]), "up with the previous version");
            before = ws.stateResources("upgrade");
        } finally {
            swap("current");
        }
        const rendered = renderedDeployments(upgradeDir);
        // The previous version rendered the registry's pull Secret, password included; this one
        // names it only, so the upgrade's one change is that Secret's removal.
        const pullSecret = "delete kubernetes:core/v1:Secret::cluster-pull";
        const preview = ws.pulumi(["preview", "--json", "--stack", "upgrade"]);
        expectOk(preview, "preview --json with this version");
        assert.deepStrictEqual(changeSteps(preview), [pullSecret]);
        expectOk(timed("upgraded up", ["up", "--yes", "--stack", "upgrade"]), "up with this version");
        expectOk(ws.pulumi(["preview", "--expect-no-changes", "--stack", "upgrade"]), "preview after the upgrade");
        assert.ok(!readTree(upgradeDir).includes(password), "a rendered file still holds the registry password");
        const urns = (rs: { urn: string }[]) => rs.map((r) => r.urn).sort();
        const after = ws.stateResources("upgrade");
        assert.deepStrictEqual(urns(after), urns(before).filter((urn) => !urn.endsWith("kubernetes:core/v1:Secret::cluster-pull")), "the same resources but the pull Secret, none orphaned or added");
        const imageNames = (rs: typeof before) => rs.filter((r) => r.type === "docker:index/image:Image").map((r) => [r.urn, r.outputs?.imageName, r.outputs?.repoDigest].join(" ")).sort();
        assert.strictEqual(imageNames(before).length, 2);
        assert.deepStrictEqual(imageNames(after), imageNames(before), "the same tags and digests");
        assert.deepStrictEqual(renderedDeployments(upgradeDir), rendered, "no Deployment changed");
        expectOk(ws.pulumi(["destroy", "--yes", "--stack", "upgrade"], { timeoutMs: 5 * 60_000 }), "destroy of the upgrade stack");
    });
});
