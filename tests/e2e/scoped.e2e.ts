import * as assert from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import { E2eEnvironment } from "./harness/environment";
import { freePort } from "./harness/processes";
import { RegistryClient } from "./harness/registryClient";
import { localStackConfig } from "./harness/stackConfig";
import { ROOT } from "./harness/toolchain";
import { CommandResult, expectOk, Workspace } from "./harness/workspace";

const NAMESPACE = "team-a";
const OTHER = "team-b";
const USER = "team-a-deployer";
const GROUP = "team-a-deployers";
const USERNAME = "stevedore-e2e";
const APPS = ["backend", "frontend"];

interface Deployment {
    metadata: { generation: number };
    spec: { template: { spec: { containers: { image: string }[] } } };
}

/** The README's Role and RoleBinding (its Security section), exactly as documented. */
function documentedRole(): string {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const security = readme.slice(readme.indexOf("## Security"));
    const block = /```yaml\n([\s\S]*?kind: Role\n[\s\S]*?)```/.exec(security);
    if (block === null) throw new Error("README.md's Security section has no Role block");
    const kinds = parseAllDocuments(block[1]).map((d) => (d.toJSON() as { kind: string }).kind);
    assert.deepStrictEqual(kinds, ["Role", "RoleBinding"]);
    return block[1];
}

/**
 * The namespace-scoped deployer on the real API server (kwok node): an identity that exists only
 * as a client certificate signed by the cluster's CA, bound by the README's RoleBinding to the
 * README's Role in `team-a`; the stack's kubeconfig carries that identity and nothing else.
 */
describe("a namespace-scoped deployer on the real API server (Role + RoleBinding, client certificate)", function () {
    this.timeout(15 * 60_000);
    let env: E2eEnvironment;
    let ws: Workspace;
    let registry: RegistryClient;
    let registryPort: number;
    let kubeconfig: string;
    const password = crypto.randomBytes(12).toString("hex");
    const registryContainer = `stevedore-e2e-registry-${crypto.randomBytes(3).toString("hex")}`;
    const timings: Record<string, number> = {};

    const timed = (label: string, args: string[]): CommandResult => {
        const start = process.hrtime.bigint();
        const result = ws.pulumi(args, { timeoutMs: 10 * 60_000 });
        timings[label] = Number(process.hrtime.bigint() - start) / 1e9;
        return result;
    };
    const kubectl = (args: string[], input?: string) => env.cluster.kubectl(args, input);
    const deployment = (app: string, ns = NAMESPACE) => env.cluster.getJson<Deployment>(["deployment", app, "-n", ns]);
    const imageOf = (app: string) => deployment(app).spec.template.spec.containers[0].image;
    const namesIn = (ns: string, kinds: string) =>
        env.cluster.getJson<{ items: { kind: string; metadata: { name: string } }[] }>([kinds, "-n", ns]).items.map((i) => `${i.kind}/${i.metadata.name}`);
    /** A stack of this identity that uses the first stack's registry as an existing one (no container of its own). */
    const sideStack = (name: string, extra: Record<string, unknown>) => {
        const base = localStackConfig({ kubeconfig, registryPort, registryContainer, username: USERNAME });
        ws.createStack(name, {
            ...base,
            "stevedore:local": { kubeconfig, registry: { mode: "existing", address: `localhost:${registryPort}` } },
            ...extra,
        });
        expectOk(ws.pulumi(["config", "set", "--secret", "--stack", name, "stevedore:registryPassword", password]), "config set --secret");
    };

    before(async function () {
        this.timeout(10 * 60_000);
        env = new E2eEnvironment();
        await env.start();
        // The platform team's part, as the cluster admin: the namespaces (team-a enforcing restricted), the Role and its binding.
        kubectl(["create", "namespace", NAMESPACE]);
        kubectl(["label", "namespace", NAMESPACE, "pod-security.kubernetes.io/enforce=restricted"]);
        kubectl(["create", "namespace", OTHER]);
        kubectl(["apply", "-f", "-"], documentedRole());
        kubeconfig = env.cluster.userKubeconfig(USER, [GROUP], NAMESPACE);
        // The identity is what the test says it is: allowed in team-a, nothing at the cluster scope.
        const can = (args: string[]) => env.cluster.kubectlRaw(["--kubeconfig", kubeconfig, "auth", "can-i", ...args]);
        assert.strictEqual(can(["create", "deployments", "-n", NAMESPACE]), "yes");
        assert.strictEqual(can(["create", "deployments", "-n", OTHER]), "");
        assert.strictEqual(can(["create", "namespaces"]), "");

        registryPort = await freePort();
        registry = new RegistryClient(`http://127.0.0.1:${registryPort}`, { username: USERNAME, password });
        const { DOCKER_HOST, DOCKER_CONFIG } = env.docker.env();
        ws = new Workspace({ DOCKER_HOST, DOCKER_CONFIG });
        const base = localStackConfig({ kubeconfig, registryPort, registryContainer, username: USERNAME });
        ws.createStack("scoped", {
            ...base,
            // A watch the Role lacks makes the provider's await hang until this timeout: fail in 2 minutes, not 10.
            "stevedore:apps": (base["stevedore:apps"] as Record<string, unknown>[]).map((app) => ({ ...app, rolloutTimeoutSeconds: 120 })),
            "stevedore:namespace": NAMESPACE,
            "stevedore:namespaceScoped": true,
        });
        expectOk(ws.pulumi(["config", "set", "--secret", "--stack", "scoped", "stevedore:registryPassword", password]), "config set --secret");
    });

    after(function () {
        this.timeout(2 * 60_000);
        const lines = Object.entries(timings).map(([label, seconds]) => `    ${label}: ${seconds.toFixed(1)} s`);
        if (lines.length > 0) console.log(`  wall times of the scoped e2e's pulumi commands:\n${lines.join("\n")}`);
        env?.stop();
        ws?.remove();
    });

    it("up deploys both apps into the existing namespace by digest, after the grant check, with no Namespace of its own", async () => {
        const uid = kubectl(["get", "namespace", NAMESPACE, "-o", "jsonpath={.metadata.uid}"]);
        const result = timed("first up", ["up", "--yes", "--stack", "scoped"]);
        expectOk(result, "first pulumi up as the scoped deployer");
        assert.match(result.output, new RegExp(`stevedore:namespaceScoped: User "${USER}" may do what this up needs in namespace "${NAMESPACE}"`));
        for (const app of APPS) {
            const tags = await registry.tags(app);
            assert.strictEqual(tags.length, 1);
            assert.strictEqual(imageOf(app), `localhost:${registryPort}/${app}@${await registry.digest(app, tags[0])}`);
        }
        assert.strictEqual(kubectl(["get", "namespace", NAMESPACE, "-o", "jsonpath={.metadata.uid}"]), uid, "the namespace is the platform team's");
        assert.strictEqual(ws.stateResources("scoped").filter((r) => r.type === "kubernetes:core/v1:Namespace").length, 0);
        expectOk(timed("preview --expect-no-changes", ["preview", "--expect-no-changes", "--stack", "scoped"]), "no-op preview");
    });

    it("a one-app change rolls only that app", async () => {
        const frontend = deployment("frontend").metadata.generation;
        const backend = deployment("backend").metadata.generation;
        fs.appendFileSync(ws.file("apps/backend/src/app.js"), "\n// e2e: a change to the backend's code\n");
        expectOk(timed("one-app change", ["up", "--yes", "--stack", "scoped"]), "up after the backend edit");
        const tags = await registry.tags("backend");
        assert.strictEqual(tags.length, 2);
        const digests = await Promise.all(tags.map((t) => registry.digest("backend", t)));
        assert.ok(digests.some((d) => imageOf("backend") === `localhost:${registryPort}/backend@${d}`));
        assert.strictEqual(deployment("backend").metadata.generation, backend + 1);
        assert.strictEqual(deployment("frontend").metadata.generation, frontend);
    });

    it("the same identity is refused in another namespace: stevedore's check names verb, resource, namespace and identity, nothing is made", () => {
        sideStack("other", { "stevedore:namespace": OTHER, "stevedore:namespaceScoped": true });
        const result = timed("refused up (other namespace)", ["up", "--yes", "--stack", "other"]);
        assert.notStrictEqual(result.status, 0, result.output);
        assert.match(result.output, new RegExp(`User "${USER}" is not allowed to do what this up needs in namespace "${OTHER}" \\(nothing was deployed\\)`));
        assert.match(result.output, new RegExp(`- get, list, watch, create, update, patch, delete deployments\\.apps in namespace "${OTHER}"`));
        assert.match(result.output, new RegExp(`kubectl -n ${OTHER} create role stevedore-deployer`));
        assert.doesNotMatch(result.output, / {4}at /, "no stack trace");
        assert.deepStrictEqual(namesIn(OTHER, "deployments,services,secrets"), []);
        console.log(`    refused in ${OTHER}:\n${result.output.split("\n").filter((l) => /namespaceScoped|^\s+- |kubectl -n/.test(l)).map((l) => `      ${l.trim()}`).join("\n")}`);
    });

    it("and for a cluster-scoped object: without namespaceScoped the Namespace is refused by the API server, naming verb, resource and user", () => {
        sideStack("cluster", { "stevedore:namespace": "team-c" });
        const result = timed("refused up (Namespace)", ["up", "--yes", "--stack", "cluster"]);
        assert.notStrictEqual(result.status, 0, result.output);
        // The provider creates by server-side apply, a PATCH of /api/v1/namespaces/team-c: RBAC names the patch verb, and the
        // object's name as the namespace of the request.
        const line = result.output.split("\n").find((l) => l.includes("**creating failed**") && l.includes("Namespace::namespace-ns"));
        assert.ok(line !== undefined, result.output);
        assert.match(line, new RegExp(`namespaces "team-c" is forbidden: User "${USER}" cannot patch resource "namespaces" in API group ""`));
        assert.strictEqual(env.cluster.kubectlRaw(["get", "namespace", "team-c", "-o", "name"]), "");
        console.log(`    refused Namespace: ${line.trim()}`);
    });

    it("destroy removes everything the stack made and leaves the namespace, its Role and binding", () => {
        expectOk(timed("destroy", ["destroy", "--yes", "--stack", "scoped"]), "destroy as the scoped deployer");
        assert.deepStrictEqual(namesIn(NAMESPACE, "deployments,services,poddisruptionbudgets,replicasets"), []);
        const secrets = namesIn(NAMESPACE, "secrets");
        assert.deepStrictEqual(secrets.filter((s) => s.includes("stevedore-pull")), []);
        assert.strictEqual(kubectl(["get", "namespace", NAMESPACE, "-o", "jsonpath={.status.phase}"]), "Active");
        assert.strictEqual(env.cluster.kubectlRaw(["get", "role", "stevedore-deployer", "-n", NAMESPACE, "-o", "name"]), "role.rbac.authorization.k8s.io/stevedore-deployer");
        assert.strictEqual(ws.stateResources("scoped").filter((r) => r.type.startsWith("kubernetes:") && !r.type.startsWith("pulumi:")).length, 0);
    });
});
