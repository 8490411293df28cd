import * as assert from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import { KWOK_NODE } from "./harness/controlPlane";
import { E2eEnvironment } from "./harness/environment";
import { alive, descendants, freePort, waitFor } from "./harness/processes";
import { RegistryClient } from "./harness/registryClient";
import { devApps, localStackConfig } from "./harness/stackConfig";
import { CommandResult, expectOk, RunningCommand, Workspace } from "./harness/workspace";

const STACK = "interrupt";
const NAMESPACE = "stevedore";
const USERNAME = "stevedore-e2e";
const APPS = devApps().map((app) => ({ name: String(app.name), replicas: Number(app.replicas) }));
const BACKEND_REPLICAS = APPS.find((app) => app.name === "backend")?.replicas ?? 0;
const LOCKED = /error: the stack is currently locked by 1 lock\(s\)\. Either wait for the other process\(es\) to end or delete the lock file with `pulumi cancel`\./;

interface Deployment {
    metadata: { name: string; generation: number };
    spec: { template: { spec: { containers: { image: string }[] } } };
    status: { observedGeneration?: number; replicas?: number; readyReplicas?: number; updatedReplicas?: number };
}
interface ReplicaSet {
    metadata: { name: string };
    spec: { replicas: number; template: { spec: { containers: { image: string }[] } } };
    status: { readyReplicas?: number };
}

/** Wall times of each step, printed at the end and copied into docs/reliability.md. */
const timings: Record<string, number> = {};

/**
 * `pulumi up` stopped half-way on the real engine: SIGINT while the backend image is pushed,
 * SIGKILL of the whole process group while the backend Deployment rolls, then the recovery
 * that brings the stack to the state an uninterrupted up reaches; and two concurrent ups on one
 * file backend, the second refused by the lock.
 */
describe("interrupted deploys and a shared state backend on the real engine (dockerd, registry, kube-apiserver, kwok)", function () {
    this.timeout(40 * 60_000);
    let env: E2eEnvironment;
    let ws: Workspace;
    let registry: RegistryClient;
    let registryPort: number;
    /** Tags each app must have in the registry: one per source it was built from. */
    const expectedTags: Record<string, number> = Object.fromEntries(APPS.map((app) => [app.name, 1]));
    /** Every pulumi the test started and may need to stop by its PID if a test fails half-way. */
    const started: RunningCommand[] = [];
    const password = crypto.randomBytes(12).toString("hex");
    const registryContainer = `stevedore-e2e-registry-${crypto.randomBytes(3).toString("hex")}`;

    const seconds = (start: number) => (Date.now() - start) / 1000;
    const timed = (label: string, args: string[]): CommandResult => {
        const start = Date.now();
        const result = ws.pulumi([...args, "--stack", STACK], { timeoutMs: 14 * 60_000 });
        timings[label] = seconds(start);
        return result;
    };
    const start = (args: string[], detached = false): RunningCommand => {
        const running = ws.startPulumi([...args, "--stack", STACK], { timeoutMs: 20 * 60_000, detached });
        started.push(running);
        return running;
    };
    const deployment = (app: string) => env.cluster.getJson<Deployment>(["deployment", app, "-n", NAMESPACE]);
    const imageOf = (app: string) => deployment(app).spec.template.spec.containers[0].image;
    const replicaSets = (app: string) => env.cluster.getJson<{ items: ReplicaSet[] }>(["replicasets", "-n", NAMESPACE, "-l", `app.kubernetes.io/name=${app}`]).items;
    const registryRef = async (app: string, tag: string) => `localhost:${registryPort}/${app}@${await registry.digest(app, tag)}`;
    /** A change to the backend's code, so the next up builds, pushes and rolls the backend. */
    const editBackend = (why: string) => fs.appendFileSync(ws.file("apps/backend/src/app.js"), `\n// e2e: ${why}\n`);
    /** What serves now: the backend Deployment's image, generation and ready replicas. */
    const serving = () => {
        const d = deployment("backend");
        return { image: d.spec.template.spec.containers[0].image, generation: d.metadata.generation, ready: d.status.readyReplicas };
    };
    const cordon = (on: boolean) => env.cluster.kubectl([on ? "cordon" : "uncordon", KWOK_NODE]);
    const cmdline = (pid: number) => {
        try {
            return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ");
        } catch {
            return "(gone)";
        }
    };

    /**
     * The end state of an uninterrupted up: each Deployment runs `repo@<digest the registry serves
     * for the tag in the state>`, fully rolled; one tag per source built; exactly the expected
     * Deployments and ReplicaSets; no lock, no pending operation, nothing left to change.
     */
    const assertConverged = async (backendReplicaSets: number) => {
        const images = new Map(
            ws
                .stateResources(STACK)
                .filter((r) => r.type === "docker:index/image:Image")
                .map((r) => [r.urn.split("::").pop()?.replace(/-image$/, "") ?? "", typeof r.outputs?.imageName === "string" ? r.outputs.imageName : ""]),
        );
        for (const app of APPS) {
            const tags = await registry.tags(app.name);
            assert.strictEqual(tags.length, expectedTags[app.name], `${app.name}: one tag per built source, got ${tags.join(", ")}`);
            const tag = (images.get(app.name) ?? "").split(":").pop() ?? "";
            assert.ok(tags.includes(tag), `${app.name}: the state's tag ${tag} is in the registry (${tags.join(", ")})`);
            assert.strictEqual(imageOf(app.name), await registryRef(app.name, tag), `${app.name}: the Deployment runs the digest the registry serves`);
            // kwok marks pods Ready within a second or two; the old ReplicaSet scales down after.
            await waitFor(
                `${app.name} fully rolled`,
                () => {
                    const d = deployment(app.name);
                    const active = replicaSets(app.name).filter((rs) => rs.spec.replicas > 0);
                    const rolled = d.status.observedGeneration === d.metadata.generation && d.status.updatedReplicas === app.replicas && d.status.readyReplicas === app.replicas;
                    return rolled && active.length === 1 ? true : undefined;
                },
                120_000,
            );
        }
        const deployments = env.cluster.getJson<{ items: Deployment[] }>(["deployments", "-n", NAMESPACE]).items.map((d) => d.metadata.name).sort();
        assert.deepStrictEqual(deployments, APPS.map((app) => app.name).sort(), "no Deployment beyond the apps");
        assert.strictEqual(replicaSets("backend").length, backendReplicaSets, "one backend ReplicaSet per backend source deployed");
        assert.strictEqual(replicaSets("frontend").length, 1, "the frontend never rolled");
        assert.deepStrictEqual(ws.locks(), [], "no lock left in the state backend");
        assert.deepStrictEqual(ws.pendingOperations(STACK), [], "no pending operation in the state");
        expectOk(ws.pulumi(["preview", "--expect-no-changes", "--stack", STACK]), "preview --expect-no-changes");
    };

    before(async function () {
        this.timeout(20 * 60_000);
        env = new E2eEnvironment();
        await env.start();
        registryPort = await freePort();
        registry = new RegistryClient(`http://127.0.0.1:${registryPort}`, { username: USERNAME, password });
        const { DOCKER_HOST, DOCKER_CONFIG } = env.docker.env();
        ws = new Workspace({ DOCKER_HOST, DOCKER_CONFIG });
        ws.createStack(STACK, localStackConfig({ kubeconfig: env.cluster.kubeconfig, registryPort, registryContainer, username: USERNAME }));
        expectOk(ws.pulumi(["config", "set", "--secret", "--stack", STACK, "stevedore:registryPassword", password]), "config set --secret");
        expectOk(timed("first up", ["up", "--yes"]), "first pulumi up");
        await assertConverged(1);
    });

    after(function () {
        this.timeout(3 * 60_000);
        // A test that failed half-way may leave a pulumi, its plugins or a cordoned node behind.
        for (const running of started) {
            const pid = running.child.pid;
            if (pid === undefined) continue;
            for (const p of [pid, ...descendants(pid)].filter(alive)) process.kill(p, "SIGKILL");
        }
        try {
            env?.cluster.kubectl(["uncordon", KWOK_NODE]);
        } catch {
            // The cluster did not start.
        }
        const lines = Object.entries(timings).map(([label, s]) => `    ${label}: ${s.toFixed(1)} s`);
        if (lines.length > 0) console.log(`  wall times:\n${lines.join("\n")}`);
        env?.stop();
        ws?.remove();
    });

    it("SIGINT during the backend image push: the old version serves, the lock is released, and up again converges", async () => {
        const before = serving();
        editBackend("interrupted by SIGINT during the push");
        const since = Date.now() / 1000;
        const t0 = Date.now();
        const up = start(["up", "--yes"]);
        // The built image is tagged for the registry right before its push: that event is the cue,
        // taken from the engine's event stream so the signal lands while the push runs.
        let cue = "";
        const stopWatching = env.docker.watchImageActions((action) => {
            if (cue === "" && (action === "tag" || action === "push")) {
                cue = action;
                up.child.kill("SIGINT");
            }
        });
        try {
            await waitFor("the backend image to be tagged for its push", () => (cue !== "" || up.child.exitCode !== null ? true : undefined), 10 * 60_000);
        } finally {
            stopWatching();
        }
        assert.notStrictEqual(cue, "", `up ended before any image event:\n${up.output()}`);
        timings["SIGINT: up start -> image tagged, SIGINT sent"] = seconds(t0);
        const t1 = Date.now();
        const result = await up.done;
        timings["SIGINT: signal -> pulumi exit"] = seconds(t1);
        console.log(`    after SIGINT (exit ${result.status}):\n${result.output.split("\n").slice(-25).join("\n")}`);
        assert.notStrictEqual(result.status, 0, "an interrupted up does not report success");
        assert.deepStrictEqual(serving(), before, "the old backend still serves: same image, generation and ready replicas");
        assert.deepStrictEqual(ws.locks(), [], "SIGINT lets pulumi release its lock");
        console.log(`    engine image events: ${env.docker.imageActions(since).join(", ")}; backend tags: ${(await registry.tags("backend")).join(", ")}; pending: ${JSON.stringify(ws.pendingOperations(STACK))}`);

        expectOk(timed("SIGINT: recovery up", ["up", "--yes"]), "up after SIGINT");
        expectedTags.backend += 1;
        await assertConverged(2);
        assert.notStrictEqual(imageOf("backend"), before.image);
    });

    it("SIGKILL of the process group during the backend rollout: old pods serve, the lock stays, cancel + refresh + up converge", async () => {
        const before = serving();
        const oldSets = replicaSets("backend").map((rs) => rs.metadata.name);
        editBackend("interrupted by SIGKILL during the rollout");
        // With the only node cordoned the new pod stays Pending, so the rollout (maxUnavailable 0)
        // is still in progress, old pods serving, whenever the kill lands.
        cordon(true);
        const t0 = Date.now();
        const up = start(["up", "--yes"], true);
        const pid = up.child.pid;
        assert.ok(pid !== undefined);
        await waitFor(
            "the backend rollout to be under way",
            () => (/backend-deploy updating/.test(up.output()) && replicaSets("backend").some((rs) => !oldSets.includes(rs.metadata.name)) ? true : undefined),
            10 * 60_000,
        );
        timings["SIGKILL: up start -> rollout under way"] = seconds(t0);
        const tree = [pid, ...descendants(pid)];
        const commands = new Map(tree.map((p) => [p, cmdline(p)]));
        process.kill(-pid, "SIGKILL");
        // Not `up.done`: a plugin holding the CLI's output pipe would keep that open.
        await waitFor("the killed pulumi to exit", () => (alive(pid) ? undefined : true), 30_000);
        // Pulumi starts each plugin in a process group of its own, so the group kill misses them.
        await new Promise((resolve) => setTimeout(resolve, 3_000));
        const survivors = tree.filter(alive);
        console.log(`    process tree at the kill: ${tree.length}; alive 3 s after the group kill: ${survivors.length}\n${survivors.map((p) => `      ${p} ${commands.get(p)}`).join("\n")}`);
        for (const p of survivors) process.kill(p, "SIGKILL");
        await waitFor("the surviving plugins to exit", () => (tree.some(alive) ? undefined : true), 30_000);
        assert.deepStrictEqual(tree.filter(alive), [], "no pulumi or plugin process is left");
        await up.done;

        const d = deployment("backend");
        const old = replicaSets("backend").filter((rs) => oldSets.includes(rs.metadata.name) && rs.spec.replicas > 0);
        assert.strictEqual(old.length, 1, "the old ReplicaSet still runs");
        assert.strictEqual(old[0].spec.template.spec.containers[0].image, before.image, "the old ReplicaSet runs the old digest");
        assert.strictEqual(old[0].status.readyReplicas, BACKEND_REPLICAS, "all old replicas ready");
        assert.strictEqual(d.status.readyReplicas, before.ready, "the Deployment's ready replicas are intact");
        console.log(`    while killed: Deployment image ${d.spec.template.spec.containers[0].image === before.image ? "still the old digest" : "already the new digest (rollout pending)"}, generation ${before.generation} -> ${d.metadata.generation}`);

        // Recovery, step by step, recording what the CLI answers at each.
        assert.strictEqual(ws.locks().length, 1, "the killed up leaves its lock file");
        const locked = timed("SIGKILL: up while locked", ["up", "--yes"]);
        assert.notStrictEqual(locked.status, 0);
        assert.match(locked.output, LOCKED);
        assert.match(locked.output, new RegExp(`\\(pid ${pid}\\)`), "the lock names the killed pulumi's PID");
        const refreshLocked = timed("SIGKILL: refresh while locked", ["refresh", "--yes"]);
        assert.notStrictEqual(refreshLocked.status, 0);
        assert.match(refreshLocked.output, LOCKED);
        console.log(`    up while locked:\n${locked.output.trim()}`);

        const cancel = timed("SIGKILL: cancel", ["cancel", "--yes"]);
        expectOk(cancel, "pulumi cancel");
        assert.match(cancel.output, new RegExp(`The currently running update for '${STACK}' has been canceled!`));
        assert.deepStrictEqual(ws.locks(), [], "cancel deletes the lock file");
        const pending = ws.pendingOperations(STACK);
        console.log(`    cancel: ${cancel.output.trim()}\n    pending operations: ${JSON.stringify(pending)}`);
        assert.ok(
            pending.some((op) => op.type === "updating" && op.urn.endsWith("::backend-deploy")),
            `the state records the interrupted Deployment update: ${JSON.stringify(pending)}`,
        );

        cordon(false);
        const refresh = timed("SIGKILL: refresh", ["refresh", "--yes"]);
        expectOk(refresh, "pulumi refresh");
        assert.deepStrictEqual(ws.pendingOperations(STACK), [], "refresh clears the pending operations");
        const recovered = timed("SIGKILL: recovery up", ["up", "--yes"]);
        expectOk(recovered, "up after SIGKILL");
        expectedTags.backend += 1;
        await assertConverged(3);
        assert.notStrictEqual(imageOf("backend"), before.image);
    });

    it("a second up on the same file backend is refused by the lock while the first one runs, and the first succeeds", async () => {
        editBackend("two concurrent ups");
        const t0 = Date.now();
        const first = start(["up", "--yes"]);
        const lock = await waitFor("the first up to hold the lock", () => ws.locks()[0], 5 * 60_000);
        timings["lock: up start -> lock held"] = seconds(t0);
        const second = timed("lock: second up", ["up", "--yes"]);
        assert.notStrictEqual(second.status, 0, "the second up must be refused");
        assert.match(second.output, LOCKED);
        assert.match(second.output, new RegExp(`\\(pid ${first.child.pid}\\)`), "the lock names the first up's PID");
        assert.deepStrictEqual(ws.locks(), [lock], "the refused up neither took nor removed the lock");
        console.log(`    second up:\n${second.output.trim()}`);
        const result = await first.done;
        timings["lock: first up, total"] = seconds(t0);
        expectOk(result, "the first up");
        expectedTags.backend += 1;
        await assertConverged(4);
    });
});
