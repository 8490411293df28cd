import * as assert from "assert";
import { ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DockerEngine } from "./harness/dockerEngine";
import { ROOT, toolchainDir } from "./harness/toolchain";
import { CommandResult, getJson, nodeImage, portForward, portFree, RUNC_WRAPPER, runCommand, unavailableReason } from "./kind/kindCluster";

// The project as a user clones it: the shipped Pulumi.dev.yaml included, node_modules linked.
const PROJECT_FILES = ["Pulumi.yaml", "Pulumi.dev.yaml", "package.json", "package-lock.json", "tsconfig.json", "main.js", "index.ts", "components", "apps", "scripts", "tests/e2e/toolchain"];

function expectOk(result: CommandResult, what: string): void {
    assert.strictEqual(result.status, 0, `${what} failed:\n${result.output}`);
}

/**
 * The README's Quickstart on a real kind cluster: `npm run up` (preflight, scripts/kind.sh, the
 * shipped dev stack), the README's port-forward, a backend edit that rolls only the backend, and
 * `npm run destroy` + `kind delete cluster` leaving nothing in Docker. Only the node image differs
 * from a user's run (STEVEDORE_KIND_NODE_IMAGE; kindest/node cannot be pulled here).
 */
describe("kind: npm run up end to end (README Quickstart)", function () {
    this.timeout(45 * 60_000);
    let dir = "";
    let project = "";
    let docker: DockerEngine | undefined;
    let env: NodeJS.ProcessEnv = {};
    let forward: ChildProcess | undefined;
    let localPort = 8080;

    const npm = (args: string[], timeoutMs = 20 * 60_000) => runCommand("npm", args, project, env, timeoutMs);
    const kubectl = (args: string[]) => runCommand("kubectl", ["--context", "kind-stevedore", "-n", "stevedore", ...args], project, env, 60_000);
    const answer = async () => (await getJson(`http://127.0.0.1:${localPort}/api/version`)).sourceHash;
    const generation = (app: string) => kubectl(["get", "deployment", app, "-o", "jsonpath={.metadata.generation}"]).output.trim();

    before(async function () {
        const reason = unavailableReason();
        if (reason !== undefined) {
            if (process.env.CI === "true") throw new Error(`the kind scenario cannot run: ${reason}`);
            console.log(`    skipped: ${reason}`);
            this.skip();
        }
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "stevedore-e2e-kind-"));
        project = path.join(dir, "project");
        for (const file of PROJECT_FILES) fs.cpSync(path.join(ROOT, file), path.join(project, file), { recursive: true });
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(project, "node_modules"));

        docker = new DockerEngine(path.join(dir, "docker"), { runtime: RUNC_WRAPPER });
        await docker.start();
        docker.buildTestImages(ROOT);
        // The shipped stack and Dockerfiles name public images; the engine holds offline builds under those names.
        docker.docker(["tag", "stevedore-e2e/registry:2", "registry:2"]);
        docker.docker(["tag", "stevedore-e2e/node:22", "node:22-bookworm-slim"]);
        const { image, binDir } = nodeImage(docker.env());
        env = {
            ...docker.env(),
            PATH: [binDir, path.join(toolchainDir(), "bin"), process.env.PATH].join(path.delimiter),
            KUBECONFIG: path.join(dir, "kubeconfig"),
            STEVEDORE_HOME: path.join(dir, "stevedore-home"),
            STEVEDORE_USE_TOOLCHAIN: "1",
            STEVEDORE_SHARED_DIR: path.join(ROOT, "..", "shared"),
            STEVEDORE_KIND_NODE_IMAGE: image,
        };
        delete env.PULUMI_BACKEND_URL;
        delete env.PULUMI_CONFIG_PASSPHRASE;
    });

    after(function () {
        forward?.kill("SIGTERM");
        if (docker !== undefined) {
            runCommand("kind", ["delete", "cluster", "--name", "stevedore"], ROOT, env, 120_000);
            // A network left in the engine would leave its bridge on the host after dockerd stops.
            runCommand("docker", ["network", "rm", "kind"], ROOT, env, 60_000);
            docker.stop();
        }
        if (dir !== "" && process.env.STEVEDORE_E2E_KEEP !== "1") fs.rmSync(dir, { recursive: true, force: true });
    });

    it("npm run up creates the kind cluster and the registry, deploys the dev stack; the port-forward serves the frontend calling the backend", async function () {
        expectOk(npm(["run", "up"]), "npm run up");
        assert.match(docker?.docker(["ps", "--format", "{{.Names}}"]) ?? "", /stevedore-registry/);
        // The README's command word for word when 8080 is free here; another local port otherwise.
        if (!(await portFree(8080))) localPort = 18080 + Math.floor(Math.random() * 1000);
        const ports = localPort === 8080 ? "8080:8080" : `${localPort}:8080`;
        forward = await portForward(["--context", "kind-stevedore", "-n", "stevedore", "port-forward", "svc/frontend", ports], env);
        const page = await fetch(`http://127.0.0.1:${localPort}/`);
        assert.strictEqual(page.status, 200);
        const greeting = await getJson(`http://127.0.0.1:${localPort}/api/greeting?name=kind`);
        assert.strictEqual(greeting.greeting, "hello, kind", "the frontend answers with the backend's reply");
        assert.match(String(await answer()), /^[0-9a-f]{12,64}$/);
    });

    it("a backend edit and npm run up again roll only the backend, and the answer changes", async function () {
        const before = String(await answer());
        const frontendGeneration = generation("frontend");
        const backendGeneration = generation("backend");
        fs.appendFileSync(path.join(project, "apps/backend/src/app.js"), "// edited by the kind e2e\n");
        expectOk(npm(["run", "up"]), "npm run up after the backend edit");
        assert.strictEqual(generation("frontend"), frontendGeneration, "the frontend's Deployment did not change");
        assert.notStrictEqual(generation("backend"), backendGeneration, "the backend's Deployment rolled");
        assert.notStrictEqual(String(await answer()), before, "the backend reports its new source hash");
    });

    it("npm run destroy and kind delete cluster leave no container, network or registry in Docker", function () {
        forward?.kill("SIGTERM");
        forward = undefined;
        expectOk(npm(["run", "destroy"]), "npm run destroy");
        assert.doesNotMatch(docker?.docker(["ps", "-a", "--format", "{{.Names}}"]) ?? "", /stevedore-registry/, "destroy removed the registry container");
        expectOk(runCommand("kind", ["delete", "cluster", "--name", "stevedore"], project, env, 120_000), "kind delete cluster");
        // kind keeps its `kind` network for other clusters; the README's clean-up removes it.
        expectOk(runCommand("docker", ["network", "rm", "kind"], project, env, 60_000), "docker network rm kind");
        assert.strictEqual(docker?.docker(["ps", "-a", "-q"]).trim(), "", "no container is left");
        const networks = (docker?.docker(["network", "ls", "--format", "{{.Name}}"]) ?? "").split("\n").filter(Boolean).sort();
        assert.deepStrictEqual(networks, ["bridge", "host", "none"], "only Docker's own networks are left");
    });
});
