import * as assert from "assert";
import { isSecret, Registered, sha256, unsecret } from "./harness/mocks";
import { ProgramRun, runProgram, TestConfig } from "./harness/program";
import { restrictedViolations } from "./harness/podSecurity";
import { PodSpecInputs } from "./harness/k8s";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const JOB = "kubernetes:batch/v1:Job";
const SECRET = "kubernetes:core/v1:Secret";
const CONFIGMAP = "kubernetes:core/v1:ConfigMap";
const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
const NETPOL = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const PASSWORD = "pw-7c1e9a";

/** A realistic service: an API with a secret, a config file and a migration, and a worker. */
function service(
    api: Record<string, unknown> = {},
    worker: Record<string, unknown> = {},
    extra: TestConfig = {},
): TestConfig {
    return {
        "stevedore:target": "local",
        "api:dbPassword": PASSWORD,
        "stevedore:apps": [
            {
                name: "api",
                context: "apps/backend",
                secretEnv: { DB_PASSWORD: "api:dbPassword" },
                files: { "/etc/api/config.json": '{"feature": true}' },
                migrate: { command: ["node", "migrate.js"], timeoutSeconds: 120 },
                ...api,
            },
            { name: "worker", context: "apps/backend", port: "none", command: ["node", "worker.js"], ...worker },
        ],
        ...extra,
    };
}
const SECRET_KEYS = ["api:dbPassword"];

type Container = Omit<
    PodSpecInputs["containers"][number],
    "env" | "volumeMounts" | "readinessProbe" | "livenessProbe"
> & {
    command?: string[];
    args?: string[];
    env: { name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }[];
    envFrom?: unknown[];
    volumeMounts: { name: string; mountPath: string; subPath?: string; readOnly?: boolean }[];
    readinessProbe?: Record<string, unknown>;
    livenessProbe?: Record<string, unknown>;
    terminationMessagePolicy?: string;
};
type Pod = Omit<PodSpecInputs, "containers" | "volumes"> & {
    containers: Container[];
    volumes: { name: string; configMap?: { name: string } }[];
    restartPolicy?: string;
};
const spec = (r: Registered) => r.inputs.spec as { replicas?: number; template: { spec: Pod } };
const pod = (r: Registered) => spec(r).template.spec;

describe("a real service: secrets, files, workers, probes, migration, autoscaling, network policy", () => {
    let run: ProgramRun;
    before(async () => {
        run = await runProgram(service(), {}, SECRET_KEYS);
    });

    it("puts secretEnv in a Secret of the app, as a secret, and the pod reads it by secretKeyRef, never by value", () => {
        const secret = run.get(SECRET, "api-secret");
        assert.ok(isSecret(secret.inputs.stringData), "the Secret's data reaches the provider marked secret");
        assert.deepStrictEqual(unsecret(secret.inputs.stringData), { DB_PASSWORD: PASSWORD });
        assert.strictEqual(
            (secret.inputs.metadata as { name?: string }).name,
            undefined,
            "auto-named, so new data means a new name",
        );
        assert.strictEqual(secret.inputs.immutable, true);
        const env = pod(run.get(DEPLOYMENT, "api-deploy")).containers[0].env;
        const entry = env.find((e) => e.name === "DB_PASSWORD");
        assert.deepStrictEqual(entry, {
            name: "DB_PASSWORD",
            valueFrom: { secretKeyRef: { name: "api-secret", key: "DB_PASSWORD" } },
        });
        assert.ok(!JSON.stringify(run.get(DEPLOYMENT, "api-deploy").inputs).includes(PASSWORD));
        assert.deepStrictEqual(
            run.ofType(SECRET).map((s) => s.name),
            ["api-secret"],
            "the worker has no secret, so no Secret",
        );
    });

    it("rotating the secret changes only that app's pod template (a new Secret name); an unchanged one changes nothing", async () => {
        // The provider gives a replaced auto-named object a new name; the mock names it after its data.
        const byData = (type: string, name: string, inputs: Record<string, unknown>) =>
            type === SECRET
                ? {
                      metadata: {
                          ...(inputs.metadata as object),
                          name: `${name}-${sha256(JSON.stringify(inputs.stringData)).slice(0, 8)}`,
                      },
                  }
                : undefined;
        const before = await runProgram(service(), { state: byData }, SECRET_KEYS);
        const again = await runProgram(service(), { state: byData }, SECRET_KEYS);
        const rotated = await runProgram(
            { ...service(), "api:dbPassword": "rotated-pw" },
            { state: byData },
            SECRET_KEYS,
        );
        for (const app of ["api", "worker"]) {
            const template = (r: ProgramRun) => JSON.stringify(spec(r.get(DEPLOYMENT, `${app}-deploy`)).template);
            assert.strictEqual(template(again), template(before), `${app}: unchanged secret, unchanged template`);
            if (app === "api") assert.notStrictEqual(template(rotated), template(before), "api rolls on rotation");
            else assert.strictEqual(template(rotated), template(before), "the worker does not roll");
        }
    });

    it("mounts each file read-only from the app's ConfigMap, next to a read-only root filesystem", () => {
        const cm = run.get(CONFIGMAP, "api-files");
        assert.deepStrictEqual(cm.inputs.data, { "file-0": '{"feature": true}' });
        assert.strictEqual(cm.inputs.immutable, true);
        const p = pod(run.get(DEPLOYMENT, "api-deploy"));
        assert.deepStrictEqual(p.containers[0].volumeMounts, [
            { name: "tmp", mountPath: "/tmp" },
            { name: "files", mountPath: "/etc/api/config.json", subPath: "file-0", readOnly: true },
        ]);
        assert.deepStrictEqual(p.volumes[1], { name: "files", configMap: { name: "api-files", defaultMode: 0o444 } });
        assert.strictEqual(p.containers[0].securityContext.readOnlyRootFilesystem, true);
    });

    it("runs a worker with no port: its command, no Service, no probes, no PORT, no drain pause", () => {
        const p = pod(run.get(DEPLOYMENT, "worker-deploy"));
        const c = p.containers[0];
        assert.deepStrictEqual(c.command, ["node", "worker.js"]);
        assert.strictEqual(c.ports, undefined);
        assert.strictEqual(c.readinessProbe, undefined);
        assert.strictEqual(c.livenessProbe, undefined);
        assert.strictEqual(c.lifecycle, undefined);
        assert.ok(!c.env.some((e) => e.name === "PORT"));
        assert.ok(!run.ofType("kubernetes:core/v1:Service").some((s) => s.name === "worker-svc"));
        assert.ok(run.ofType("kubernetes:core/v1:Service").some((s) => s.name === "api-svc"));
        const apps = run.outputs.apps as Record<string, { url?: string }>;
        assert.strictEqual(apps.worker.url, undefined);
    });

    it("runs the migration as a Job on the new digest, with the app's secret and files, restricted, and the Deployment waits for it", () => {
        const job = run.get(JOB, "api-migrate");
        const jobSpec = job.inputs.spec as {
            backoffLimit: number;
            activeDeadlineSeconds: number;
            template: { metadata: { labels: Record<string, string> }; spec: Pod };
        };
        assert.strictEqual(
            (job.inputs.metadata as { name?: string }).name,
            undefined,
            "auto-named: a new template replaces it",
        );
        assert.strictEqual(jobSpec.backoffLimit, 0);
        assert.strictEqual(jobSpec.activeDeadlineSeconds, 120);
        const c = jobSpec.template.spec.containers[0];
        const deployed = pod(run.get(DEPLOYMENT, "api-deploy")).containers[0];
        assert.strictEqual(c.image, deployed.image, "same digest as the Deployment rolls to");
        assert.deepStrictEqual(c.command, ["node", "migrate.js"]);
        assert.strictEqual(c.terminationMessagePolicy, "FallbackToLogsOnError");
        assert.strictEqual(jobSpec.template.spec.restartPolicy, "Never");
        assert.strictEqual(c.readinessProbe, undefined);
        assert.ok(c.env.some((e) => e.name === "DB_PASSWORD" && e.valueFrom !== undefined));
        assert.deepStrictEqual(c.volumeMounts, deployed.volumeMounts);
        assert.deepStrictEqual(restrictedViolations(jobSpec.template.spec as unknown as PodSpecInputs), []);
        assert.notStrictEqual(
            jobSpec.template.metadata.labels["app.kubernetes.io/name"],
            "api",
            "the Service must not select it",
        );
        assert.ok(run.dependsOn.get("api-deploy")?.includes("api-migrate"), "the Deployment depends on the migration");
        assert.ok(!run.ofType(JOB).some((j) => j.name === "worker-migrate"));
    });

    it("probes over TCP, gRPC, exec or not at all, as asked", async () => {
        const cases: [Record<string, unknown>, Record<string, unknown> | undefined][] = [
            [{ type: "tcp" }, { tcpSocket: { port: "http" } }],
            [{ type: "grpc", service: "health" }, { grpc: { port: 9090, service: "health" } }],
            [{ type: "exec", command: ["/bin/check"] }, { exec: { command: ["/bin/check"] } }],
            [{ type: "http", path: "/live", periodSeconds: 20 }, { httpGet: { path: "/live", port: "http" } }],
            [{ type: "none" }, undefined],
        ];
        for (const [probe, expected] of cases) {
            const r = await runProgram(service({ probe, port: 9090 }), {}, SECRET_KEYS);
            const c = pod(r.get(DEPLOYMENT, "api-deploy")).containers[0];
            if (expected === undefined) {
                assert.strictEqual(c.readinessProbe, undefined);
                continue;
            }
            for (const [k, v] of Object.entries(expected)) {
                assert.deepStrictEqual(c.readinessProbe?.[k], v, JSON.stringify(probe));
                assert.deepStrictEqual(c.livenessProbe?.[k], v, JSON.stringify(probe));
            }
        }
        const slow = await runProgram(service({ probe: { type: "http", periodSeconds: 20 } }), {}, SECRET_KEYS);
        assert.strictEqual(pod(slow.get(DEPLOYMENT, "api-deploy")).containers[0].readinessProbe?.periodSeconds, 20);
        const worker = await runProgram(
            service({}, { probe: { type: "exec", command: ["/bin/alive"] } }),
            {},
            SECRET_KEYS,
        );
        assert.deepStrictEqual(pod(worker.get(DEPLOYMENT, "worker-deploy")).containers[0].readinessProbe?.exec, {
            command: ["/bin/alive"],
        });
    });

    it("references Secrets and ConfigMaps the cluster holds with envFrom, and passes args", async () => {
        const r = await runProgram(
            service({
                envFrom: [{ secret: "db-creds" }, { configMap: "flags.v1", optional: true }],
                args: ["--serve"],
            }),
            {},
            SECRET_KEYS,
        );
        const c = pod(r.get(DEPLOYMENT, "api-deploy")).containers[0];
        assert.deepStrictEqual(c.envFrom, [
            { secretRef: { name: "db-creds", optional: false } },
            { configMapRef: { name: "flags.v1", optional: true } },
        ]);
        assert.deepStrictEqual(c.args, ["--serve"]);
    });

    it("autoscales with an autoscaling/v2 HPA, leaves spec.replicas unset, and the PDB follows min", async () => {
        const r = await runProgram(service({ autoscale: { min: 2, max: 6, cpuPercent: 60 } }), {}, SECRET_KEYS);
        assert.strictEqual(spec(r.get(DEPLOYMENT, "api-deploy")).replicas, undefined);
        assert.deepStrictEqual(
            (r.get(DEPLOYMENT, "api-deploy").inputs.metadata as { annotations?: unknown }).annotations,
            {
                "stevedore.dev/autoscaled-by": "HorizontalPodAutoscaler/api",
            },
        );
        const hpa = r.get(HPA, "api-hpa").inputs.spec as Record<string, unknown>;
        assert.deepStrictEqual(hpa.scaleTargetRef, { apiVersion: "apps/v1", kind: "Deployment", name: "api" });
        assert.strictEqual(hpa.minReplicas, 2);
        assert.strictEqual(hpa.maxReplicas, 6);
        assert.deepStrictEqual(hpa.metrics, [
            { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 60 } } },
        ]);
        assert.ok(r.ofType("kubernetes:policy/v1:PodDisruptionBudget").some((p) => p.name === "api-pdb"));
        const single = await runProgram(service({ autoscale: { min: 1, max: 3 } }), {}, SECRET_KEYS);
        assert.ok(!single.ofType("kubernetes:policy/v1:PodDisruptionBudget").some((p) => p.name === "api-pdb"));
        assert.strictEqual(
            (
                single.get(HPA, "api-hpa").inputs.spec as {
                    metrics: { resource: { target: { averageUtilization: number } } }[];
                }
            ).metrics[0].resource.target.averageUtilization,
            70,
        );
        assert.strictEqual(spec(run.get(DEPLOYMENT, "api-deploy")).replicas, 2, "not autoscaled: replicas as before");
        assert.deepStrictEqual(run.ofType(HPA), []);
    });

    it("network policy is opt-in: default-deny ingress for the namespace, and each app's allowFrom on its port", async () => {
        assert.deepStrictEqual(run.ofType(NETPOL), [], "off by default");
        const r = await runProgram(
            service(
                {
                    allowFrom: ["worker", { namespace: "ingress-nginx" }],
                    expose: "ingress",
                    ingress: { host: "api.example.com" },
                },
                { allowFrom: [] },
                { "stevedore:networkPolicy": true },
            ),
            {},
            SECRET_KEYS,
        );
        const deny = r.get(NETPOL, "namespace-deny-ingress").inputs.spec;
        assert.deepStrictEqual(
            deny,
            { podSelector: {}, policyTypes: ["Ingress"] },
            "ingress only: egress and DNS untouched",
        );
        const api = r.get(NETPOL, "api-netpol").inputs.spec as {
            podSelector: unknown;
            ingress: { from: unknown[]; ports: unknown[] }[];
        };
        assert.deepStrictEqual(api.podSelector, {
            matchLabels: { "app.kubernetes.io/name": "api", "app.kubernetes.io/instance": "api" },
        });
        assert.deepStrictEqual(api.ingress, [
            {
                from: [
                    { podSelector: { matchLabels: { "app.kubernetes.io/name": "worker" } } },
                    { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } },
                ],
                ports: [{ port: 8080, protocol: "TCP" }],
            },
        ]);
        const anyone = await runProgram(
            service({ allowFrom: ["*"], expose: "loadBalancer" }, {}, { "stevedore:networkPolicy": "true" }),
            {},
            SECRET_KEYS,
        );
        assert.deepStrictEqual((anyone.get(NETPOL, "api-netpol").inputs.spec as { ingress: unknown[] }).ingress, [
            { ports: [{ port: 8080, protocol: "TCP" }] },
        ]);
        assert.ok(!anyone.ofType(NETPOL).some((p) => p.name === "worker-netpol"), "no allowFrom: no policy, so denied");
    });
});
