import * as assert from "assert";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { AddressInfo } from "net";
import { stringify } from "yaml";
import { requiredGrants, uncovered, ResourceRule } from "../components/kube/access/grants";
import { AppSettings } from "../components/config/app";
import { MockOptions } from "./harness/mocks";
import { runFailing, runProgram, TestConfig } from "./harness/program";
import { withWarnings } from "./harness/warnings";

const NAMESPACED_KINDS = /^kubernetes:(apps|core|batch|policy|autoscaling|networking\.k8s\.io)\/v\d+:(?!Namespace$)/;

/** A fake API server that answers the three self reviews from `rules` and `allowed`; records what it was asked. */
class FakeApiServer {
    readonly asked: { kind: string; spec: unknown }[] = [];
    private server?: http.Server;
    constructor(
        private readonly rules: ResourceRule[],
        private readonly allowed: (verb: string, resource: string) => boolean = () => false,
        private readonly incomplete = false,
    ) {}

    async start(): Promise<string> {
        this.server = http.createServer((req, res) => {
            let body = "";
            req.on("data", (c: Buffer) => (body += c.toString()));
            req.on("end", () => {
                const doc = JSON.parse(body) as {
                    kind: string;
                    spec?: { resourceAttributes?: { verb: string; resource: string } };
                };
                this.asked.push({ kind: doc.kind, spec: doc.spec });
                const status =
                    doc.kind === "SelfSubjectReview"
                        ? { userInfo: { username: "team-a-deployer", groups: ["system:authenticated"] } }
                        : doc.kind === "SelfSubjectRulesReview"
                          ? { resourceRules: this.rules, incomplete: this.incomplete }
                          : {
                                allowed: this.allowed(
                                    doc.spec?.resourceAttributes?.verb ?? "",
                                    doc.spec?.resourceAttributes?.resource ?? "",
                                ),
                            };
                res.writeHead(201, { "content-type": "application/json" });
                res.end(JSON.stringify({ ...doc, status }));
            });
        });
        await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
        return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
    }

    stop(): void {
        this.server?.close();
    }

    /** A kubeconfig file naming this server and a token user, as a Role-bound deployer's would. */
    kubeconfig(server: string): string {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "stevedore-ns-")), "kubeconfig");
        fs.writeFileSync(
            file,
            stringify({
                apiVersion: "v1",
                kind: "Config",
                clusters: [{ name: "c", cluster: { server } }],
                users: [{ name: "u", user: { token: "deployer-token" } }],
                contexts: [{ name: "team-a", context: { cluster: "c", user: "u", namespace: "team-a" } }],
                "current-context": "team-a",
            }),
        );
        return file;
    }
}

const ALL: ResourceRule[] = [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }];

function scoped(kubeconfig: string, extra: TestConfig = {}): TestConfig {
    return {
        "stevedore:target": "local",
        "stevedore:namespace": "team-a",
        "stevedore:namespaceScoped": "true",
        "stevedore:local": { kubeconfig },
        "stevedore:apps": [
            { name: "backend", context: "apps/backend" },
            { name: "frontend", context: "apps/frontend" },
        ],
        ...extra,
    };
}

describe("namespace-scoped deployer (stevedore:namespaceScoped)", () => {
    let api: FakeApiServer | undefined;
    afterEach(() => api?.stop());

    it("creates no Namespace, deploys every object into the existing namespace, and checks the grants once", async () => {
        api = new FakeApiServer(ALL);
        const kubeconfig = api.kubeconfig(await api.start());
        const run = await runProgram(scoped(kubeconfig, { "stevedore:networkPolicy": "true" }));
        assert.deepStrictEqual(run.ofType("kubernetes:core/v1:Namespace"), []);
        const k8sObjects = run.resources.filter(
            (r) => r.type.startsWith("kubernetes:") && r.type !== "pulumi:providers:kubernetes",
        );
        assert.ok(
            k8sObjects.length >= 5,
            `expected the apps' objects, got ${k8sObjects.map((r) => r.type).join(", ")}`,
        );
        for (const r of k8sObjects) {
            if (r.type.startsWith("pulumi:providers")) continue;
            assert.match(r.type, NAMESPACED_KINDS, `${r.type} ${r.name} must be namespaced`);
            const metadata = r.inputs.metadata as { namespace?: string } | undefined;
            assert.strictEqual(metadata?.namespace, "team-a", `${r.type} ${r.name}`);
        }
        assert.strictEqual(
            run.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy").length,
            1,
            "the default deny is namespaced: kept",
        );
        assert.strictEqual(run.outputs.namespace, "team-a");
        assert.deepStrictEqual(
            api.asked.map((a) => a.kind),
            ["SelfSubjectReview", "SelfSubjectRulesReview"],
            "rules that cover everything need no access review",
        );
    });

    it("fails up before any namespaced object, naming verb, resource, namespace and identity", async () => {
        // May read and patch deployments, nothing else; every access review says no.
        api = new FakeApiServer([
            { verbs: ["get", "list", "watch", "patch"], apiGroups: ["apps"], resources: ["deployments"] },
        ]);
        const kubeconfig = api.kubeconfig(await api.start());
        const { error, resources } = await runFailing(scoped(kubeconfig));
        assert.strictEqual(error.name, "AccessError", error.stack);
        assert.match(
            error.message,
            /User "team-a-deployer" is not allowed to do what this up needs in namespace "team-a"/,
        );
        assert.match(error.message, /- create, update, delete deployments\.apps in namespace "team-a"/);
        assert.match(error.message, /- get, list, watch, create, update, patch, delete services in namespace "team-a"/);
        assert.match(
            error.message,
            /kubectl -n team-a create role stevedore-deployer --verb=create,update,delete --resource=deployments\.apps/,
        );
        assert.deepStrictEqual(
            resources.filter((r) => NAMESPACED_KINDS.test(r.type)).map((r) => r.name),
            [],
            "nothing may be made in the namespace",
        );
        const reviews = api.asked.filter((a) => a.kind === "SelfSubjectAccessReview");
        assert.ok(reviews.length > 0 && reviews.length <= 7 * 8, `bounded access reviews, got ${reviews.length}`);
    });

    it("takes an access review's yes over the rules (a webhook authorizer may allow what RBAC rules do not list)", async () => {
        api = new FakeApiServer([], () => true, true);
        const kubeconfig = api.kubeconfig(await api.start());
        await runProgram(scoped(kubeconfig));
        const reviews = api.asked.filter((a) => a.kind === "SelfSubjectAccessReview");
        const expected = requiredGrants({ apps: [app({ name: "b" })], networkPolicy: false, pullSecret: false });
        assert.strictEqual(
            reviews.length,
            expected.reduce((n, g) => n + g.verbs.length, 0),
        );
    });

    it("warns and goes on when the check cannot run (an unreachable API server), so the provider reports instead", async () => {
        api = new FakeApiServer(ALL);
        const kubeconfig = api.kubeconfig("http://127.0.0.1:9");
        const { warnings } = await withWarnings(() => runProgram(scoped(kubeconfig)));
        assert.ok(
            warnings.some((w) =>
                /could not check the deployer's grants in namespace "team-a" \(asking the API server at http:\/\/127\.0\.0\.1:9/.test(
                    w,
                ),
            ),
            warnings.join("\n"),
        );
    });

    it("never echoes an inline kubeconfig it cannot parse (it may hold a token)", async () => {
        const leaky = "clusters: [\n  users: {token: leak-kube-preflight\n";
        const { warnings } = await withWarnings(() =>
            runProgram(
                {
                    ...scoped("/nonexistent"),
                    "stevedore:local": undefined,
                    "stevedore:cluster": { kind: "kubeconfig" },
                    "stevedore:kubeconfig": leaky,
                },
                {},
                ["stevedore:kubeconfig"],
            ),
        );
        const mine = warnings.filter((w) => w.includes("namespaceScoped"));
        assert.ok(
            mine.some((w) => w.includes("the inline kubeconfig is not valid YAML")),
            warnings.join("\n"),
        );
        assert.ok(!warnings.some((w) => w.includes("leak-kube")), warnings.join("\n"));
    });

    it("keeps the Namespace when off (the default)", async () => {
        api = new FakeApiServer(ALL);
        const kubeconfig = api.kubeconfig(await api.start());
        const run = await runProgram({ ...scoped(kubeconfig), "stevedore:namespaceScoped": "false" });
        assert.strictEqual(run.ofType("kubernetes:core/v1:Namespace").length, 1);
        assert.deepStrictEqual(api.asked, [], "no preflight without namespaceScoped");
    });

    /** Mocks whose StackReference to the stack itself reports `outputs`, as the last update left them. */
    const previously = (outputs: Record<string, unknown>): MockOptions => ({
        state: (type) => (type === "pulumi:pulumi:StackReference" ? { outputs } : undefined),
    });

    it("records namespaceScoped in the outputs, and a later scoped up of the same stack goes on", async () => {
        api = new FakeApiServer(ALL);
        const kubeconfig = api.kubeconfig(await api.start());
        const first = await runProgram(scoped(kubeconfig));
        assert.strictEqual(first.outputs.namespaceScoped, true);
        const again = await runProgram(scoped(kubeconfig), previously({ namespace: "team-a", namespaceScoped: true }));
        assert.deepStrictEqual(again.ofType("kubernetes:core/v1:Namespace"), []);
    });

    it("refuses to turn it on for a stack that created the namespace (Pulumi would delete it), with nothing registered", async () => {
        const { error, resources } = await runFailing(
            scoped("/nonexistent"),
            previously({ namespace: "team-a", apps: {} }),
        );
        assert.strictEqual(error.name, "NamespaceOwnerError", error.stack);
        assert.match(
            error.message,
            /stevedore:namespaceScoped = true: this stack created namespace "team-a".*delete that Namespace and every app in it/,
        );
        assert.deepStrictEqual(
            resources.filter((r) => r.type !== "pulumi:pulumi:StackReference").map((r) => r.type),
            [],
        );
    });

    it("refuses to turn it off for a stack that deployed into a namespace it does not own", async () => {
        const { error } = await runFailing(
            { ...scoped("/nonexistent"), "stevedore:namespaceScoped": "false" },
            previously({ namespace: "team-a", namespaceScoped: true }),
        );
        assert.match(
            error.message,
            /stevedore:namespaceScoped = false: this stack deployed into the existing namespace "team-a", which it does not own/,
        );
    });

    it("lets a stack move to another namespace, or a render-mode stack turn it on", async () => {
        api = new FakeApiServer(ALL);
        const kubeconfig = api.kubeconfig(await api.start());
        await runProgram(scoped(kubeconfig), previously({ namespace: "stevedore" }));
        await runProgram(scoped(kubeconfig), previously({ namespace: "team-a", renderedTo: "rendered/dev" }));
    });

    const refused: [string, TestConfig, RegExp][] = [
        [
            "a non-boolean",
            { "stevedore:namespaceScoped": "yes" },
            /stevedore:namespaceScoped = "yes": must be true or false/,
        ],
        [
            "a cluster stevedore creates",
            {
                "stevedore:target": "eks",
                "stevedore:local": undefined,
                "stevedore:aws": { region: "eu-west-1", cluster: { mode: "create" } },
            },
            /stevedore:aws\.cluster\.mode = "create": cannot be used with stevedore:namespaceScoped = true.*use mode "existing"/,
        ],
    ];
    for (const [what, extra, message] of refused) {
        it(`refuses ${what}, naming the key, with nothing registered`, async () => {
            const config = Object.fromEntries(
                Object.entries(scoped("/nonexistent", extra)).filter(([, v]) => v !== undefined),
            );
            const { error, resources } = await runFailing(config);
            assert.strictEqual(error.name, "ConfigError", error.stack);
            assert.match(error.message, message);
            assert.deepStrictEqual(resources, []);
        });
    }
});

function app(fields: Partial<AppSettings> & { name: string }): AppSettings {
    return {
        dockerfile: "Dockerfile",
        buildArgs: {},
        cacheFrom: [],
        port: 8080,
        replicas: 2,
        env: {},
        healthPath: "/healthz",
        rolloutTimeoutSeconds: 600,
        drainSeconds: 5,
        resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
        runAsUser: 10001,
        expose: "none",
        secretEnv: {},
        envFrom: [],
        files: {},
        buildSecrets: {},
        ssh: [],
        ...fields,
    };
}

describe("requiredGrants: the Role a config needs, and no more", () => {
    const names = (grants: ReturnType<typeof requiredGrants>) => grants.map((g) => `${g.resource}.${g.group}`).sort();

    it("a worker with one replica needs only its Deployment and what the awaiter watches", () => {
        const grants = requiredGrants({
            apps: [app({ name: "w", port: "none", replicas: 1 })],
            networkPolicy: false,
            pullSecret: false,
        });
        assert.deepStrictEqual(names(grants), [
            "deployments.apps",
            "events.",
            "persistentvolumeclaims.",
            "pods.",
            "replicasets.apps",
        ]);
    });

    it("a full service needs each kind it makes", () => {
        const grants = requiredGrants({
            apps: [
                app({
                    name: "api",
                    secretEnv: { DB: "api:db" },
                    files: { "/etc/a": "x" },
                    migrate: { command: ["m"], timeoutSeconds: 600, retries: 0 },
                    autoscale: { min: 2, max: 4, cpuPercent: 70 },
                    expose: "ingress",
                }),
            ],
            networkPolicy: true,
            pullSecret: false,
        });
        for (const kind of [
            "services.",
            "endpoints.",
            "secrets.",
            "configmaps.",
            "jobs.batch",
            "poddisruptionbudgets.policy",
            "horizontalpodautoscalers.autoscaling",
            "networkpolicies.networking.k8s.io",
            "ingresses.networking.k8s.io",
        ])
            assert.ok(names(grants).includes(kind), kind);
    });

    it("a pull Secret needs secrets even with no secretEnv", () => {
        const grants = requiredGrants({
            apps: [app({ name: "w", port: "none", replicas: 1 })],
            networkPolicy: false,
            pullSecret: true,
        });
        assert.ok(names(grants).includes("secrets."));
    });

    it("rules limited to resource names or other groups do not count", () => {
        const grants = requiredGrants({
            apps: [app({ name: "w", port: "none", replicas: 1 })],
            networkPolicy: false,
            pullSecret: false,
        });
        const left = uncovered(grants, [
            { verbs: ["*"], apiGroups: [""], resources: ["*"] },
            { verbs: ["*"], apiGroups: ["apps"], resources: ["deployments"], resourceNames: ["backend"] },
            { verbs: ["get", "list", "watch"], apiGroups: ["extensions"], resources: ["replicasets"] },
        ]);
        assert.deepStrictEqual(left.map((g) => g.resource).sort(), ["deployments", "replicasets"]);
    });
});
