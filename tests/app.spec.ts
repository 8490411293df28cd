import * as assert from "assert";
import { ContainerInputs, deployment, podSpec } from "./harness/k8s";
import { restrictedViolations } from "./harness/podSecurity";
import { ProgramRun, runProgram } from "./harness/program";
import { stackConfig, withConfig } from "./harness/stacks";

const dev = stackConfig("dev");
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";

function editApp(index: number, fields: Record<string, unknown>) {
    return withConfig(dev, (c) => Object.assign((c["stevedore:apps"] as Record<string, unknown>[])[index], fields));
}

function backendContainer(run: ProgramRun): ContainerInputs {
    return podSpec(run.get(DEPLOYMENT, "backend-deploy")).containers[0];
}

describe("app workloads", () => {
    let run: ProgramRun;
    before(async () => {
        run = await runProgram(dev);
    });

    it("puts every app in one namespace that enforces, warns and audits Pod Security restricted", () => {
        const ns = run.get("kubernetes:core/v1:Namespace", "namespace-ns").inputs as {
            metadata: { name: string; labels: Record<string, string> };
        };
        assert.strictEqual(ns.metadata.name, "stevedore");
        for (const mode of ["enforce", "warn", "audit"])
            assert.strictEqual(ns.metadata.labels[`pod-security.kubernetes.io/${mode}`], "restricted");
        for (const d of run.ofType(DEPLOYMENT)) assert.strictEqual(deployment(d).metadata.namespace, "stevedore");
    });

    it("rolls out without ever dropping below the desired replicas", () => {
        const spec = deployment(run.get(DEPLOYMENT, "backend-deploy")).spec;
        assert.deepStrictEqual(spec.strategy, {
            type: "RollingUpdate",
            rollingUpdate: { maxUnavailable: 0, maxSurge: 1 },
        });
        assert.deepStrictEqual(spec.selector.matchLabels, {
            "app.kubernetes.io/name": "backend",
            "app.kubernetes.io/instance": "backend",
        });
        for (const [k, v] of Object.entries(spec.selector.matchLabels))
            assert.strictEqual(spec.template.metadata.labels[k], v);
    });

    it("has probes on the health path, requests and limits, and the port in env", () => {
        const c = backendContainer(run);
        assert.deepStrictEqual(c.readinessProbe?.httpGet, { path: "/healthz", port: "http" });
        assert.deepStrictEqual(c.livenessProbe?.httpGet, { path: "/healthz", port: "http" });
        assert.deepStrictEqual(c.resources, {
            requests: { cpu: "50m", memory: "64Mi" },
            limits: { cpu: "500m", memory: "256Mi" },
        });
        assert.deepStrictEqual(
            c.env.find((e) => e.name === "PORT"),
            { name: "PORT", value: "8080" },
        );
        const frontend = podSpec(run.get(DEPLOYMENT, "frontend-deploy")).containers[0];
        assert.deepStrictEqual(
            frontend.env.find((e) => e.name === "BACKEND_URL"),
            { name: "BACKEND_URL", value: "http://backend:8080" },
        );
    });

    it("passes the Pod Security restricted profile, with a writable /tmp on an emptyDir", () => {
        for (const d of run.ofType(DEPLOYMENT)) {
            const spec = podSpec(d);
            assert.deepStrictEqual(restrictedViolations(spec), [], `${d.name} must be admitted under restricted`);
            assert.strictEqual(spec.containers[0].securityContext.readOnlyRootFilesystem, true);
            assert.deepStrictEqual(spec.containers[0].volumeMounts, [{ name: "tmp", mountPath: "/tmp" }]);
            assert.ok(spec.volumes.some((v) => v.name === "tmp" && v.emptyDir !== undefined));
            assert.strictEqual(spec.automountServiceAccountToken, false);
        }
    });

    it("has a restricted-profile check that does catch loosened pods", () => {
        const spec = podSpec(run.get(DEPLOYMENT, "backend-deploy"));
        const loosened = JSON.parse(JSON.stringify(spec)) as typeof spec;
        loosened.securityContext = {};
        loosened.containers[0].securityContext = {
            allowPrivilegeEscalation: true,
            capabilities: { add: ["NET_ADMIN"] },
        };
        loosened.volumes.push({ name: "host", hostPath: { path: "/" } } as unknown as (typeof spec.volumes)[number]);
        assert.deepStrictEqual(restrictedViolations(loosened), [
            "volume host: type hostPath is not allowed",
            "backend: allowPrivilegeEscalation must be false",
            "backend: runAsNonRoot must be true",
            "backend: seccompProfile must be RuntimeDefault or Localhost",
            "backend: capabilities must drop ALL",
            "backend: capability NET_ADMIN may not be added",
        ]);
    });

    it("gives each app a ClusterIP Service on its port and reports its in-cluster URL", () => {
        const svc = run.get("kubernetes:core/v1:Service", "backend-svc").inputs as {
            metadata: { name: string };
            spec: { type: string; ports: { port: number; targetPort: string }[]; selector: Record<string, string> };
        };
        assert.strictEqual(svc.metadata.name, "backend");
        assert.strictEqual(svc.spec.type, "ClusterIP");
        assert.deepStrictEqual(svc.spec.ports, [{ name: "http", port: 8080, targetPort: "http", protocol: "TCP" }]);
        assert.deepStrictEqual(
            svc.spec.selector,
            deployment(run.get(DEPLOYMENT, "backend-deploy")).spec.selector.matchLabels,
        );
        const apps = run.outputs.apps as Record<string, { url: string; externalUrl?: string }>;
        assert.strictEqual(apps.backend.url, "http://backend.stevedore.svc.cluster.local:8080");
        assert.strictEqual(apps.backend.externalUrl, undefined);
    });

    it("adds a PodDisruptionBudget only when an app runs more than one replica", async () => {
        assert.deepStrictEqual(
            run
                .ofType("kubernetes:policy/v1:PodDisruptionBudget")
                .map((p) => p.name)
                .sort(),
            ["backend-pdb", "frontend-pdb"],
        );
        const single = await runProgram(editApp(0, { replicas: 1 }));
        assert.deepStrictEqual(
            single.ofType("kubernetes:policy/v1:PodDisruptionBudget").map((p) => p.name),
            ["frontend-pdb"],
        );
    });

    it("takes per-app settings from the stack config", async () => {
        const custom = await runProgram(
            editApp(0, {
                port: 9000,
                replicas: 4,
                healthPath: "/ready",
                env: { LOG_LEVEL: "debug" },
                runAsUser: 20000,
                resources: { limits: { memory: "1Gi" } },
            }),
        );
        const spec = deployment(custom.get(DEPLOYMENT, "backend-deploy")).spec;
        const c = spec.template.spec.containers[0];
        assert.strictEqual(spec.replicas, 4);
        assert.deepStrictEqual(c.ports, [{ name: "http", containerPort: 9000, protocol: "TCP" }]);
        assert.strictEqual(c.readinessProbe?.httpGet.path, "/ready");
        assert.deepStrictEqual(c.env, [
            { name: "PORT", value: "9000" },
            { name: "LOG_LEVEL", value: "debug" },
        ]);
        assert.deepStrictEqual(c.resources.limits, { cpu: "500m", memory: "1Gi" });
        assert.strictEqual(spec.template.spec.securityContext.runAsUser, 20000);
    });

    it("keeps a terminating pod serving for drainSeconds (preStop sleep) inside its grace period, and can turn that off", async () => {
        const byDefault = podSpec(run.get(DEPLOYMENT, "backend-deploy"));
        assert.deepStrictEqual(byDefault.containers[0].lifecycle, { preStop: { sleep: { seconds: 5 } } });
        assert.strictEqual(byDefault.terminationGracePeriodSeconds, 35);
        const longer = podSpec((await runProgram(editApp(0, { drainSeconds: 20 }))).get(DEPLOYMENT, "backend-deploy"));
        assert.deepStrictEqual(longer.containers[0].lifecycle, { preStop: { sleep: { seconds: 20 } } });
        assert.strictEqual(longer.terminationGracePeriodSeconds, 50);
        const off = podSpec((await runProgram(editApp(0, { drainSeconds: 0 }))).get(DEPLOYMENT, "backend-deploy"));
        assert.strictEqual(off.containers[0].lifecycle, undefined);
    });

    it("exposes an app through a LoadBalancer Service and reports its address", async () => {
        const lb = await runProgram(editApp(1, { expose: "loadBalancer" }));
        assert.strictEqual(
            (lb.get("kubernetes:core/v1:Service", "frontend-svc").inputs.spec as { type: string }).type,
            "LoadBalancer",
        );
        assert.strictEqual(
            (lb.outputs.apps as Record<string, { externalUrl: string }>).frontend.externalUrl,
            "http://203.0.113.10:8080",
        );
    });

    it("exposes an app through an Ingress with the configured host, class and TLS", async () => {
        const ing = await runProgram(
            editApp(1, {
                expose: "ingress",
                ingress: { host: "shop.example.com", className: "nginx", tlsSecret: "shop-tls" },
            }),
        );
        const spec = ing.get("kubernetes:networking.k8s.io/v1:Ingress", "frontend-ingress").inputs.spec as {
            ingressClassName: string;
            tls: { hosts: string[]; secretName: string }[];
            rules: { host: string; http: { paths: { path: string; backend: { service: { name: string } } }[] } }[];
        };
        assert.strictEqual(spec.ingressClassName, "nginx");
        assert.deepStrictEqual(spec.tls, [{ hosts: ["shop.example.com"], secretName: "shop-tls" }]);
        assert.strictEqual(spec.rules[0].host, "shop.example.com");
        assert.strictEqual(spec.rules[0].http.paths[0].backend.service.name, "frontend");
        assert.strictEqual(
            (ing.outputs.apps as Record<string, { externalUrl: string }>).frontend.externalUrl,
            "https://shop.example.com/",
        );
        assert.strictEqual(
            (ing.get("kubernetes:core/v1:Service", "frontend-svc").inputs.spec as { type: string }).type,
            "ClusterIP",
        );
    });
});
