import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { KubeconfigCluster } from "../components/generic/cluster";
import { podSpec } from "./harness/k8s";
import { isSecret, RecordingMocks, unsecret } from "./harness/mocks";
import { runProgram } from "./harness/program";
import { stackConfig, withConfig } from "./harness/stacks";

const dev = stackConfig("dev");
const PROVIDER = "pulumi:providers:kubernetes";
const KUBECONFIG =
    'apiVersion: v1\nkind: Config\nclusters:\n- name: prod\n  cluster: {server: "https://203.0.113.20:6443"}\nusers:\n- name: ci\n  user: {token: k8s-token-TOPSECRET}\ncontexts:\n- name: prod\n  context: {cluster: prod, user: ci}\ncurrent-context: prod\n';

const tempDirs: string[] = [];
const tempDir = (prefix: string): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    tempDirs.push(dir);
    return dir;
};

/** A kubeconfig file in a fresh temporary directory. */
function kubeconfigFile(dir = tempDir("stevedore-kube-"), name = "config"): string {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, name);
    fs.writeFileSync(file, KUBECONFIG);
    return file;
}

/** Runs `fn` with environment variables set (or removed, for undefined) and restores them afterwards. */
async function withEnv<T>(env: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    const apply = (values: Record<string, string | undefined>) => {
        for (const [k, v] of Object.entries(values)) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
    };
    apply(env);
    try {
        return await fn();
    } finally {
        apply(saved);
    }
}

/** Every string in `value` that is not inside a secret, i.e. what the state would hold readable. */
function plainStrings(value: unknown): string[] {
    if (isSecret(value)) return [];
    if (typeof value === "string") return [value];
    if (value !== null && typeof value === "object") return Object.values(value).flatMap(plainStrings);
    return [];
}

describe("kubeconfig cluster", () => {
    after(() => tempDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

    it("connects through a kubeconfig file and context, keeps the local target's registry, and routes every object through it", async () => {
        const file = kubeconfigFile();
        const run = await runProgram(
            withConfig(dev, (c) => (c["stevedore:cluster"] = { kind: "kubeconfig", path: file, context: "prod" })),
        );
        const provider = run.get(PROVIDER, "cluster-k8s").inputs;
        assert.deepStrictEqual(
            [provider.kubeconfig, provider.context, provider.renderYamlToDirectory],
            [file, "prod", undefined],
        );
        assert.strictEqual(
            run.ofType("docker:index/container:Container").length,
            1,
            "the local target's registry stays",
        );
        const objects = run.resources.filter((r) => r.type.startsWith("kubernetes:"));
        assert.ok(objects.length >= 7);
        for (const r of objects)
            assert.match(
                r.provider ?? "",
                /::cluster-k8s::/,
                `${r.type} ${r.name} must use the kubeconfig cluster's provider`,
            );
    });

    it("expands ~/ in the path to the home directory", async () => {
        const home = tempDir("stevedore-home-");
        const file = kubeconfigFile(path.join(home, ".kube"), "prod.yaml");
        const run = await withEnv({ HOME: home }, () =>
            runProgram(
                withConfig(dev, (c) => (c["stevedore:cluster"] = { kind: "kubeconfig", path: "~/.kube/prod.yaml" })),
            ),
        );
        assert.strictEqual(run.get(PROVIDER, "cluster-k8s").inputs.kubeconfig, file);
    });

    it("passes inline kubeconfig contents from stevedore:kubeconfig as a secret, never readable in state", async () => {
        const config = withConfig(dev, (c) =>
            Object.assign(c, {
                "stevedore:cluster": { kind: "kubeconfig", context: "prod" },
                "stevedore:kubeconfig": KUBECONFIG,
            }),
        );
        const run = await runProgram(config, {}, ["kubeconfig"]);
        const provider = run.get(PROVIDER, "cluster-k8s").inputs;
        assert.ok(isSecret(provider.kubeconfig), "inline kubeconfig must reach the provider as a secret");
        assert.strictEqual(unsecret(provider.kubeconfig), KUBECONFIG);
        assert.strictEqual(provider.context, "prod");
        const leaks = run.resources.filter((r) => plainStrings(r.inputs).some((v) => v.includes("TOPSECRET")));
        assert.deepStrictEqual(
            leaks.map((r) => r.name),
            [],
        );
        assert.doesNotMatch(JSON.stringify(run.outputs), /TOPSECRET/);
    });

    it("uses only a context name with the default kubeconfig lookup", async () => {
        const run = await withEnv({ KUBECONFIG: undefined }, () =>
            runProgram(
                withConfig(
                    dev,
                    (c) =>
                        (c["stevedore:cluster"] = { kind: "kubeconfig", context: "gke_my-project_europe-west1_prod" }),
                ),
            ),
        );
        const provider = run.get(PROVIDER, "cluster-k8s").inputs;
        assert.deepStrictEqual(
            [provider.kubeconfig, provider.context],
            [undefined, "gke_my-project_europe-west1_prod"],
        );
    });

    it("renders manifests instead of connecting in render mode", async () => {
        const config = withConfig(dev, (c) =>
            Object.assign(c, {
                "stevedore:cluster": { kind: "kubeconfig", context: "prod" },
                "stevedore:renderDir": "rendered/prod",
            }),
        );
        const provider = (await runProgram(config)).get(PROVIDER, "cluster-k8s").inputs;
        assert.deepStrictEqual([provider.renderYamlToDirectory, provider.context], ["rendered/prod", undefined]);
    });

    it("combines Docker Hub with any kubeconfig and no target at all: pull Secret on that cluster, no local registry", async () => {
        const config = {
            "stevedore:apps": dev["stevedore:apps"],
            "stevedore:registry": { kind: "generic", address: "docker.io/myuser" },
            "stevedore:cluster": { kind: "kubeconfig", context: "prod" },
            "stevedore:pullUsername": "myuser",
            "stevedore:pullPassword": "dckr_pat_readonly",
        };
        const run = await runProgram(config, {}, ["pullPassword"]);
        assert.deepStrictEqual(run.ofType("docker:index/container:Container"), []);
        assert.strictEqual(run.outputs.target, undefined);
        assert.strictEqual(run.outputs.registry, "docker.io");
        const secret = run.get("kubernetes:core/v1:Secret", "cluster-pull");
        assert.match(secret.provider ?? "", /::cluster-k8s::/);
        assert.deepStrictEqual(podSpec(run.get("kubernetes:apps/v1:Deployment", "backend-deploy")).imagePullSecrets, [
            { name: "stevedore-pull" },
        ]);
        // Pull credentials alone: pushes use the machine's own `docker login`.
        assert.strictEqual(run.get("docker:index/image:Image", "backend-image").inputs.registry, undefined);
    });

    it("refuses a cloud registry's IAM grant, naming the cloud and suggesting a pull secret", async () => {
        await pulumi.runtime.setMocks(new RecordingMocks(), "stevedore", "test", false);
        const cluster = new KubeconfigCluster("cluster", {}, { kind: "kubeconfig", context: "prod" });
        const grant = {
            kind: "iamGrant" as const,
            cloud: "azure" as const,
            roleDefinitionId: "AcrPull",
            registryId: pulumi.output(
                "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/acr",
            ),
        };
        assert.throws(
            () => cluster.grantPull(grant, pulumi.output("stevedore")),
            (error: Error) => {
                assert.ok(
                    error instanceof pulumi.RunError,
                    "a RunError, so the CLI prints the message without a stack trace",
                );
                assert.match(
                    error.message,
                    /kubeconfig cluster .* cannot grant its nodes the IAM role that pulling from the azure registry needs/,
                );
                assert.match(
                    error.message,
                    /Use a pull secret instead: set stevedore:registry \{kind: generic, .*pull: secret\} with stevedore:pullUsername and stevedore:pullPassword/,
                );
                return true;
            },
        );
        await pulumi.runtime.disconnect();
    });
});
