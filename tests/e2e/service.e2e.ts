import * as assert from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import { E2eEnvironment } from "./harness/environment";
import { filesUnder } from "./harness/files";
import { freePort, waitFor } from "./harness/processes";
import { requestLoop } from "./harness/requestLoop";
import { localStackConfig, NODE_IMAGE } from "./harness/stackConfig";
import { CommandResult, expectOk, Workspace } from "./harness/workspace";

const STACK = "service";
const NAMESPACE = "stevedore";
const USERNAME = "stevedore-e2e";
const CONFIG_FILE = "/etc/api/config.json";
const CONFIG_TEXT = '{"mode":"e2e","greeting":"hello from a mounted file"}';

interface Meta {
    name: string;
    uid: string;
    creationTimestamp: string;
    generation?: number;
    labels?: Record<string, string>;
}
interface Job {
    metadata: Meta;
    spec: { template: { spec: { containers: { image: string }[] } } };
    status: { succeeded?: number; failed?: number; completionTime?: string };
}
interface Deployment {
    metadata: Meta;
    spec: { replicas: number; template: { spec: { containers: { image: string }[] } } };
}
interface Pod {
    metadata: Meta;
    status: { phase?: string; conditions?: { type: string; status: string }[] };
}

/**
 * A real team's service on the real node: an API with a secret env value, a mounted config file
 * and a migration Job, a worker with no port, an autoscaler and network policies. One stack, five
 * ups: the first deploy, a no-op after scaling by hand, new code, a rotated secret and a failing
 * migration. Every command's output and the state file are searched for the secret values.
 */
describe("a real service on a real node: secret env, config file, migration, worker, HPA, network policy", function () {
    this.timeout(20 * 60_000);
    let env: E2eEnvironment;
    let ws: Workspace;
    const outputs: string[] = [];
    const password = crypto.randomBytes(12).toString("hex");
    const secrets = [`db-${crypto.randomBytes(10).toString("hex")}`, `db-${crypto.randomBytes(10).toString("hex")}`];
    const registryContainer = `stevedore-e2e-registry-${crypto.randomBytes(3).toString("hex")}`;

    const pulumi = (args: string[], timeoutMs = 12 * 60_000): CommandResult => {
        const result = ws.pulumi(args, { timeoutMs });
        outputs.push(result.output);
        return result;
    };
    const up = (what: string) => {
        const started = Date.now();
        const result = pulumi(["up", "--yes", "--stack", STACK]);
        console.log(`    ${what}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
        return result;
    };
    const setSecret = (value: string) => expectOk(pulumi(["config", "set", "--secret", "--stack", STACK, "api:dbPassword", value]), "config set --secret");
    const jobs = () => env.cluster.getJson<{ items: Job[] }>(["jobs", "-n", NAMESPACE, "-l", "app.kubernetes.io/component=migrate"]).items;
    const deployment = (name: string) => env.cluster.getJson<Deployment>(["deployment", name, "-n", NAMESPACE]);
    const pods = (app: string) => env.cluster.getJson<{ items: Pod[] }>(["pods", "-n", NAMESPACE, "-l", `app.kubernetes.io/name=${app}`]).items.filter((p) => p.metadata.labels?.["app.kubernetes.io/component"] !== "migrate");
    const clusterIp = () => env.cluster.getJson<{ spec: { clusterIP: string } }>(["service", "api", "-n", NAMESPACE]).spec.clusterIP;
    const runtime = async () => (await (await fetch(`http://${clusterIp()}:8080/runtime`, { signal: AbortSignal.timeout(5_000) })).json()) as { configFile: string | null; secretSha256: string | null };
    const sha256 = (text: string) => crypto.createHash("sha256").update(text).digest("hex");
    /** The ReplicaSets of the api Deployment, newest first. */
    const replicaSets = () => env.cluster.getJson<{ items: { metadata: Meta; spec: { template: { spec: { containers: { image: string }[] } } } }[] }>(["replicasets", "-n", NAMESPACE, "-l", "app.kubernetes.io/name=api"]).items.sort((a, b) => b.metadata.creationTimestamp.localeCompare(a.metadata.creationTimestamp));
    const stackConfig = () => {
        const config = localStackConfig({ kubeconfig: env.cluster.kubeconfig, registryPort, registryContainer, username: USERNAME });
        config["stevedore:networkPolicy"] = true;
        config["stevedore:apps"] = [
            {
                name: "api",
                context: "apps/backend",
                buildArgs: { NODE_IMAGE },
                env: { CONFIG_FILE },
                secretEnv: { DB_PASSWORD: "api:dbPassword" },
                files: { [CONFIG_FILE]: CONFIG_TEXT },
                migrate: { command: ["node", "migrate.js"], timeoutSeconds: 60 },
                autoscale: { min: 2, max: 4, cpuPercent: 70 },
                allowFrom: ["worker"],
                rolloutTimeoutSeconds: 90,
            },
            { name: "worker", context: "apps/backend", buildArgs: { NODE_IMAGE }, port: "none", command: ["node", "worker.js"], replicas: 1 },
        ];
        return config;
    };
    let registryPort = 0;

    before(async function () {
        this.timeout(10 * 60_000);
        env = new E2eEnvironment("real");
        await env.start();
        registryPort = await freePort();
        env.node?.trustRegistry(`localhost:${registryPort}`);
        const { DOCKER_HOST, DOCKER_CONFIG } = env.docker.env();
        ws = new Workspace({ DOCKER_HOST, DOCKER_CONFIG });
        ws.createStack(STACK, stackConfig());
        expectOk(pulumi(["config", "set", "--secret", "--stack", STACK, "stevedore:registryPassword", password]), "config set --secret");
        setSecret(secrets[0]);
    });

    after(function () {
        this.timeout(5 * 60_000);
        if (ws !== undefined) pulumi(["destroy", "--yes", "--stack", STACK], 5 * 60_000);
        env?.stop();
        ws?.remove();
    });

    it("first up: the migration ran on the deployed digest before the pods, which see the secret and the file; the worker is Ready", async () => {
        expectOk(up("first up"), "first up");
        const [job] = jobs();
        assert.strictEqual(jobs().length, 1, "one migration Job");
        assert.strictEqual(job.status.succeeded, 1);
        const api = deployment("api");
        assert.strictEqual(job.spec.template.spec.containers[0].image, api.spec.template.spec.containers[0].image, "the Job ran the digest the Deployment runs");
        assert.ok((job.status.completionTime ?? "") <= replicaSets()[0].metadata.creationTimestamp, "the migration finished before the Deployment's pods were made");
        const seen = await runtime();
        assert.strictEqual(seen.secretSha256, sha256(secrets[0]), "the pod reads the secret from its env");
        assert.strictEqual(seen.configFile, CONFIG_TEXT, "the pod reads the mounted file");
        await waitFor("the worker to be Ready", () => {
            const [worker] = pods("worker");
            return worker?.status.conditions?.some((c) => c.type === "Ready" && c.status === "True") ? true : undefined;
        }, 120_000);
        assert.strictEqual(env.cluster.kubectlRaw(["get", "service", "worker", "-n", NAMESPACE, "--ignore-not-found", "-o", "name"]), "", "a worker has no Service");
        const hpa = env.cluster.getJson<{ spec: { minReplicas: number; maxReplicas: number } }>(["hpa", "api", "-n", NAMESPACE]).spec;
        assert.deepStrictEqual([hpa.minReplicas, hpa.maxReplicas], [2, 4]);
        const policies = env.cluster.kubectl(["get", "networkpolicy", "-n", NAMESPACE, "-o", "name"]).trim().split("\n").sort();
        assert.deepStrictEqual(policies, ["networkpolicy.networking.k8s.io/api-ingress", "networkpolicy.networking.k8s.io/stevedore-default-deny-ingress"]);
    });

    it("a no-op up after scaling the Deployment by hand (as the HPA would) changes nothing and runs no new Job", () => {
        const jobBefore = jobs()[0].metadata.uid;
        env.cluster.kubectl(["scale", "deployment/api", "-n", NAMESPACE, "--replicas=3"]);
        const preview = pulumi(["preview", "--diff", "--expect-no-changes", "--stack", STACK]);
        expectOk(preview, "preview --expect-no-changes after a manual scale");
        expectOk(pulumi(["up", "--yes", "--expect-no-changes", "--stack", STACK]), "no-op up");
        assert.strictEqual(deployment("api").spec.replicas, 3, "up left the scaled count alone");
        assert.deepStrictEqual(jobs().map((j) => j.metadata.uid), [jobBefore], "no new migration Job");
    });

    it("new code: the migration runs once on the new digest, before the roll; the old Job is gone", () => {
        const imageBefore = deployment("api").spec.template.spec.containers[0].image;
        fs.appendFileSync(ws.file("apps/backend/src/app.js"), "\n// e2e: new code for the service\n");
        expectOk(up("new code"), "up with new code");
        const api = deployment("api");
        const image = api.spec.template.spec.containers[0].image;
        assert.notStrictEqual(image, imageBefore);
        const all = jobs();
        assert.strictEqual(all.length, 1, `one Job after the replacement: ${all.map((j) => j.metadata.name).join(", ")}`);
        assert.strictEqual(all[0].spec.template.spec.containers[0].image, image);
        assert.strictEqual(all[0].status.succeeded, 1, "it ran once and succeeded");
        const rs = replicaSets().find((r) => r.spec.template.spec.containers[0].image === image);
        assert.ok(rs !== undefined && (all[0].status.completionTime ?? "") <= rs.metadata.creationTimestamp, "the migration finished before the new pods were made");
    });

    it("rotating the secret rolls the api only, and its pods read the new value", async () => {
        const workerGeneration = deployment("worker").metadata.generation;
        const apiGeneration = deployment("api").metadata.generation ?? 0;
        setSecret(secrets[1]);
        expectOk(up("rotated secret"), "up after rotating the secret");
        assert.ok((deployment("api").metadata.generation ?? 0) > apiGeneration, "the api rolled");
        assert.strictEqual(deployment("worker").metadata.generation, workerGeneration, "the worker did not roll");
        await waitFor("the api to answer with the new secret", async () => ((await runtime()).secretSha256 === sha256(secrets[1]) ? true : undefined), 60_000);
    });

    it("a failing migration fails up naming the Job with its log tail; the old pods keep serving", async () => {
        const before = deployment("api");
        expectOk(pulumi(["config", "set", "--path", "--stack", STACK, "stevedore:apps[0].env.MIGRATE_FAIL", "e2e"]), "config set --path");
        let finished!: () => void;
        const done = new Promise<void>((resolve) => (finished = resolve));
        const loop = requestLoop(`http://${clusterIp()}:8080/version`, done, { intervalMs: 50, maxRequests: 10_000, maxDurationMs: 5 * 60_000, requestTimeoutMs: 2_000, field: "sourceHash" });
        const started = Date.now();
        const result = await ws.pulumiAsync(["up", "--yes", "--stack", STACK], { timeoutMs: 8 * 60_000 });
        outputs.push(result.output);
        console.log(`    failing migration: ${((Date.now() - started) / 1000).toFixed(1)} s`);
        finished();
        const report = await loop;
        assert.notStrictEqual(result.status, 0, "up must fail when the migration fails");
        assert.match(result.output, /api-migrate/, `the failure names the Job:\n${result.output}`);
        assert.match(result.output, /relation "orders" does not exist/, `the failure shows the Job's log tail:\n${result.output}`);
        const after = deployment("api");
        assert.strictEqual(after.metadata.generation, before.metadata.generation, "the Deployment was not touched");
        assert.strictEqual(after.spec.template.spec.containers[0].image, before.spec.template.spec.containers[0].image);
        assert.ok(report.sent >= 20, `the loop ran through the up (${report.sent} requests)`);
        assert.strictEqual(report.failed, 0, `the old pods keep serving:\n${report.failures.join("\n")}`);
        console.log(`    request loop: ${report.sent} requests, ${report.failed} failed`);
    });

    it("no secret value in the state files or in any command's output", () => {
        const forms = (value: string) => [value, Buffer.from(value).toString("base64")];
        const stateText = filesUnder(ws.stateDir).map((f) => fs.readFileSync(f, "utf8")).join("\n");
        assert.ok(stateText.length > 1000, "the state was read");
        for (const value of [...secrets, password]) {
            for (const form of forms(value)) {
                assert.ok(!stateText.includes(form), "a secret value is in the state");
                assert.ok(!outputs.some((o) => o.includes(form)), "a secret value is in a command's output");
            }
        }
        assert.ok(outputs.length >= 8, `every command was captured (${outputs.length})`);
    });
});

