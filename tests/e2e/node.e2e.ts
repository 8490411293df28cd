import * as assert from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import { E2eEnvironment } from "./harness/environment";
import { Daemon, freePort, startDaemon, stopDaemon, waitFor } from "./harness/processes";
import { LoopReport, requestLoop } from "./harness/requestLoop";
import { RegistryClient } from "./harness/registryClient";
import { devApps, localStackConfig } from "./harness/stackConfig";
import { tool } from "./harness/toolchain";
import { expectOk, Workspace } from "./harness/workspace";

const STACK = "node";
const NAMESPACE = "stevedore";
const USERNAME = "stevedore-e2e";
/** Short enough that the failing rollouts below end the test in about a minute each. */
const FAILING_ROLLOUT_SECONDS = 60;

interface Service {
    spec: { clusterIP: string };
}
interface Pod {
    metadata: { name: string; deletionTimestamp?: string; labels?: Record<string, string> };
    spec: { nodeName?: string; containers: { image: string }[] };
    status: { phase?: string };
}
interface Version {
    app: string;
    sourceHash: string;
}

/**
 * The scenarios users care about most, on one real node: the pushed images run, the code that
 * answers is the code that was built, a roll to new code drops no request, and a rollout that
 * cannot finish fails `pulumi up` with a message that says why while the old pods keep serving.
 */
describe("the local target on a real node (containerd, kubelet, kube-proxy, CoreDNS)", function () {
    this.timeout(15 * 60_000);
    let env: E2eEnvironment;
    let ws: Workspace;
    let registry: RegistryClient;
    let registryPort: number;
    let frontendForward: { daemon: Daemon; url: string } | undefined;
    const password = crypto.randomBytes(12).toString("hex");
    const registryContainer = `stevedore-e2e-registry-${crypto.randomBytes(3).toString("hex")}`;
    const reports: Record<string, LoopReport & { rollSeconds: number }> = {};

    const pods = (app: string) => env.cluster.getJson<{ items: Pod[] }>(["pods", "-n", NAMESPACE, "-l", `app.kubernetes.io/name=${app}`]).items;
    const backendUrl = () => `http://${env.cluster.getJson<Service>(["service", "backend", "-n", NAMESPACE]).spec.clusterIP}:8080/version`;
    const version = async (url: string) => (await (await fetch(url, { signal: AbortSignal.timeout(5_000) })).json()) as Version;
    /** The hash the backend's image was built from: its tag is `src-` and the hash's first 16 digits. */
    const builtHash = async () => {
        const image = env.cluster.getJson<{ spec: { template: { spec: { containers: { image: string }[] } } } }>(["deployment", "backend", "-n", NAMESPACE]).spec.template.spec.containers[0].image;
        const digest = image.split("@")[1];
        for (const tag of await registry.tags("backend")) if ((await registry.digest("backend", tag)) === digest) return tag.replace(/^src-/, "");
        throw new Error(`no tag of backend has the deployed digest ${digest}`);
    };

    /**
     * `pulumi up` while a request loop runs against the backend's Service; the loop goes on
     * until the old pods are gone (they end after up returns), then reports.
     */
    const upUnderLoad = async (label: string, replicas: number) => {
        const url = backendUrl();
        const start = Date.now();
        let finished!: () => void;
        const done = new Promise<void>((resolve) => (finished = resolve));
        const loop = requestLoop(url, done, { intervalMs: 20, maxRequests: 20_000, maxDurationMs: 10 * 60_000, requestTimeoutMs: 2_000, field: "sourceHash" });
        const result = await ws.pulumiAsync(["up", "--yes", "--stack", STACK], { timeoutMs: 12 * 60_000 });
        const rollSeconds = (Date.now() - start) / 1000;
        await waitFor("the old backend pods to be gone", () => (pods("backend").length === replicas ? true : undefined), 120_000).catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        finished();
        const report = await loop;
        reports[label] = { ...report, rollSeconds };
        console.log(`    ${label}: ${report.sent} requests in ${(report.durationMs / 1000).toFixed(1)} s, ${report.failed} failed; up took ${rollSeconds.toFixed(1)} s; answers from ${report.seen.join(" -> ")}`);
        return { result, report };
    };

    before(async function () {
        this.timeout(10 * 60_000);
        env = new E2eEnvironment("real");
        await env.start();
        registryPort = await freePort();
        env.node?.trustRegistry(`localhost:${registryPort}`);
        registry = new RegistryClient(`http://127.0.0.1:${registryPort}`, { username: USERNAME, password });
        const { DOCKER_HOST, DOCKER_CONFIG } = env.docker.env();
        ws = new Workspace({ DOCKER_HOST, DOCKER_CONFIG });
        const config = localStackConfig({ kubeconfig: env.cluster.kubeconfig, registryPort, registryContainer, username: USERNAME });
        config["stevedore:apps"] = devApps().map((app) => (app.name === "backend" ? { ...app, rolloutTimeoutSeconds: FAILING_ROLLOUT_SECONDS } : app));
        ws.createStack(STACK, config);
        expectOk(ws.pulumi(["config", "set", "--secret", "--stack", STACK, "stevedore:registryPassword", password]), "config set --secret");
    });

    after(function () {
        this.timeout(3 * 60_000);
        if (Object.keys(reports).length > 0) console.log(`  request loops: ${JSON.stringify(reports)}`);
        if (frontendForward !== undefined) stopDaemon(frontendForward.daemon);
        env?.stop();
        ws?.remove();
    });

    it("first up: the pods run the pushed digests, the frontend answers on loopback and reaches the backend through its Service", async () => {
        expectOk(ws.pulumi(["up", "--yes", "--stack", STACK], { timeoutMs: 12 * 60_000 }), "first pulumi up");
        for (const app of ["backend", "frontend"]) {
            const running = pods(app);
            assert.strictEqual(running.length, 2, `${app}: two pods`);
            for (const pod of running) {
                assert.strictEqual(pod.spec.nodeName, env.node?.name, `${pod.metadata.name} runs on the real node`);
                assert.strictEqual(pod.status.phase, "Running");
            }
        }
        // containerd pulled each digest with the pull Secret's credentials (no host-wide login exists).
        const images = env.node?.ctr(["images", "ls", "-q"]) ?? "";
        for (const app of ["backend", "frontend"]) assert.match(images, new RegExp(`localhost:${registryPort}/${app}@sha256:[0-9a-f]{64}`));

        const port = await freePort();
        const daemon = startDaemon("port-forward", tool("kubectl"), [`--kubeconfig=${env.cluster.kubeconfig}`, "-n", NAMESPACE, "port-forward", "--address=127.0.0.1", "service/frontend", `${port}:8080`], `${env.dir}/port-forward.log`);
        frontendForward = { daemon, url: `http://127.0.0.1:${port}` };
        const page = await waitFor("the frontend page through the port-forward", async () => {
            const answer = await fetch(`${frontendForward?.url}/`);
            return answer.ok ? answer.text() : undefined;
        }, 60_000, daemon);
        assert.match(page, /<html/i);
        // The frontend calls http://backend:8080: CoreDNS resolves it, kube-proxy routes it.
        const viaFrontend = await version(`${frontendForward.url}/api/version`);
        const direct = await version(backendUrl());
        const hash = await builtHash();
        assert.strictEqual(viaFrontend.app, "backend");
        assert.ok(viaFrontend.sourceHash.startsWith(hash), `the backend answering (${viaFrontend.sourceHash}) is the one built (${hash})`);
        assert.strictEqual(direct.sourceHash, viaFrontend.sourceHash);
    });

    it("a backend edit rolls to the new code with no failed request through the Service", async () => {
        const before = await builtHash();
        fs.appendFileSync(ws.file("apps/backend/src/app.js"), "\n// e2e: a change to the backend's code\n");
        const { result, report } = await upUnderLoad("backend edit", 2);
        expectOk(result, "up after the edit");
        const after = await builtHash();
        assert.notStrictEqual(after, before);
        assert.ok(report.sent >= 50, `the loop ran through the roll (${report.sent} requests)`);
        assert.strictEqual(report.failed, 0, `no request may fail during the roll:\n${report.failures.join("\n")}`);
        assert.ok(report.seen[0].startsWith(before), `old code answered first: ${report.seen.join(", ")}`);
        assert.ok(report.seen[report.seen.length - 1].startsWith(after), `new code answers last: ${report.seen.join(", ")}`);
        assert.ok((await version(backendUrl())).sourceHash.startsWith(after));
    });

    it("a backend whose readiness probe fails: up fails naming the container and the probe, the old pods keep serving", async () => {
        const serving = await builtHash();
        const server = ws.file("apps/backend/src/server.js");
        const original = fs.readFileSync(server, "utf8");
        // A version whose unit tests pass (they drive app.js) but whose /healthz says it is not ready.
        const notReady = 'function notReady(h) { return (req, res) => (req.url === "/healthz" ? res.writeHead(503).end("not ready") : h(req, res)); }';
        fs.writeFileSync(server, `${original.replace("http.createServer(createHandler())", "http.createServer(notReady(createHandler()))")}\n${notReady}\n`);
        try {
            const started = Date.now();
            const { result, report } = await upUnderLoad("failing readiness", 3);
            const seconds = (Date.now() - started) / 1000;
            assert.notStrictEqual(result.status, 0, "up must fail when the new pods never become ready");
            assert.match(result.output, /backend/);
            assert.match(result.output, /readiness|Readiness|unready|not ready/i, `the failure names the probe:\n${result.output}`);
            assert.ok(seconds < FAILING_ROLLOUT_SECONDS + 120, `failed within the rollout timeout (${seconds.toFixed(0)} s)`);
            assert.strictEqual(report.failed, 0, `the old pods keep serving:\n${report.failures.join("\n")}`);
            assert.deepStrictEqual(report.seen.map((h) => h.slice(0, 16)), [serving], "only the old code answered");
        } finally {
            fs.writeFileSync(server, original);
        }
    });

    it("a wrong pull password fails up with the image pull error for that Deployment, within its timeout", () => {
        const stack = "badpull";
        ws.createStack(stack, {
            "stevedore:registry": { kind: "generic", address: `localhost:${registryPort}` },
            "stevedore:cluster": { kind: "kubeconfig", path: env.cluster.kubeconfig },
            "stevedore:namespace": "stevedore-badpull",
            "stevedore:apps": devApps()
                .filter((app) => app.name === "backend")
                .map((app) => ({ ...app, rolloutTimeoutSeconds: FAILING_ROLLOUT_SECONDS })),
            "stevedore:registryUsername": USERNAME,
            "stevedore:pullUsername": USERNAME,
        });
        expectOk(ws.pulumi(["config", "set", "--secret", "--stack", stack, "stevedore:registryPassword", password]), "config set --secret");
        expectOk(ws.pulumi(["config", "set", "--secret", "--stack", stack, "stevedore:pullPassword", "not-the-password"]), "config set --secret");
        const started = Date.now();
        const result = ws.pulumi(["up", "--yes", "--stack", stack], { timeoutMs: 12 * 60_000 });
        const seconds = (Date.now() - started) / 1000;
        try {
            assert.notStrictEqual(result.status, 0, "up must fail when the cluster cannot pull");
            assert.match(result.output, /ImagePullBackOff|ErrImagePull/, `the failure names the pull error:\n${result.output}`);
            assert.match(result.output, /backend/);
            assert.ok(seconds < FAILING_ROLLOUT_SECONDS + 120, `failed within the rollout timeout (${seconds.toFixed(0)} s)`);
            assert.match(env.node?.kubeletLog() ?? "", /401 Unauthorized/, "the registry refused the pull with 401");
        } finally {
            expectOk(ws.pulumi(["destroy", "--yes", "--stack", stack], { timeoutMs: 5 * 60_000 }), "destroy of the badpull stack");
        }
    });

    it("destroy removes the apps, and the node runs no container of theirs afterwards", async () => {
        expectOk(ws.pulumi(["destroy", "--yes", "--stack", STACK], { timeoutMs: 5 * 60_000 }), "destroy");
        await waitFor("the node to stop every app container", () => {
            const containers = env.node?.ctr(["containers", "ls", "-q"]).split("\n").filter(Boolean) ?? [];
            return containers.length === 0 ? true : undefined;
        }, 120_000);
    });
});
