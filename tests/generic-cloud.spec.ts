import * as assert from "assert";
import { azureMocks, stubAcrExchange } from "./harness/azureMocks";
import { podSpec } from "./harness/k8s";
import { runFailing, runProgram } from "./harness/program";
import { stackConfig, withConfig } from "./harness/stacks";

/** The shipped prod stack: an existing AKS cluster with a created ACR. */
const prod = stackConfig("prod");

describe("generic kinds with a cloud target", () => {
    it("deploys Docker Hub images on AKS through a pull Secret, creating no ACR and no AcrPull grant", async () => {
        const config = withConfig(prod, (c) =>
            Object.assign(c, {
                "stevedore:registry": { kind: "generic", address: "docker.io/myuser" },
                "stevedore:pullUsername": "myuser",
                "stevedore:pullPassword": "dckr_pat_readonly",
            }),
        );
        const run = await runProgram(config, azureMocks(), ["pullPassword"]);
        assert.deepStrictEqual(run.ofType("azure-native:containerregistry:Registry"), []);
        assert.deepStrictEqual(
            run.ofType("azure-native:authorization:RoleAssignment").filter((r) => r.name.includes("acr-pull")),
            [],
        );
        assert.match(
            run.get("kubernetes:core/v1:Secret", "cluster-pull").provider ?? "",
            /::cluster-k8s::/,
            "the Secret goes to the AKS cluster",
        );
        assert.deepStrictEqual(podSpec(run.get("kubernetes:apps/v1:Deployment", "backend-deploy")).imagePullSecrets, [
            { name: "stevedore-pull" },
        ]);
        assert.match(
            String(run.get("docker:index/image:Image", "backend-image").inputs.imageName),
            /^docker\.io\/myuser\/backend:src-/,
        );
    });

    it("stops with a clear error when ACR's IAM grant meets a kubeconfig cluster", async () => {
        const exchange = stubAcrExchange();
        try {
            const config = withConfig(prod, (c) => (c["stevedore:cluster"] = { kind: "kubeconfig", context: "lab" }));
            const { error } = await runFailing(config, azureMocks());
            assert.match(
                error.message,
                /kubeconfig cluster .* cannot grant its nodes the IAM role that pulling from the azure registry needs/,
            );
            assert.match(error.message, /Use a pull secret instead/);
        } finally {
            exchange.restore();
        }
    });
});

describe("a kubeconfig cluster with a cloud target's own registry (found by tests/properties.spec.ts)", () => {
    // The program used to register the registry, the cluster's provider and the namespace, then
    // fail in grantPull with a plain error; the config loader now rejects the pair up front.
    const cases = [
        {
            target: "aks",
            settings: {
                "stevedore:azure": {
                    location: "westeurope",
                    resourceGroup: { name: "rg-shop" },
                    cluster: { name: "aks-shop" },
                },
            },
            cloud: "azure",
        },
        {
            target: "eks",
            settings: { "stevedore:aws": { region: "us-east-1", cluster: { name: "eks-shop" } } },
            cloud: "aws",
        },
        {
            target: "gke",
            settings: {
                "stevedore:gcp": { project: "acme-shop-prod", location: "europe-west4", cluster: { name: "gke-shop" } },
            },
            cloud: "gcp",
        },
    ];
    for (const { target, settings, cloud } of cases) {
        it(`${target}: rejected as a config error naming stevedore:cluster, with nothing registered`, async () => {
            const config = {
                "stevedore:target": target,
                ...settings,
                "stevedore:apps": [{ name: "backend" }],
                "stevedore:cluster": { kind: "kubeconfig", context: "lab" },
            };
            const { error, resources } = await runFailing(config);
            assert.strictEqual(error.name, "ConfigError", error.stack);
            assert.deepStrictEqual(
                resources.map((r) => `${r.type} ${r.name}`),
                [],
            );
            assert.ok(
                error.message.includes(`stevedore:cluster.kind = "kubeconfig" with stevedore:target = "${target}"`),
                error.message,
            );
            assert.ok(error.message.includes(`pulling from the ${cloud} registry needs`), error.message);
        });
    }
});
