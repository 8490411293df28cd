import * as assert from "assert";
import { kubeletObjectId } from "../components/azure/kubelet";
import {
    armId,
    aksKubeconfig,
    aksStack,
    azureMocks,
    CREATED_CLUSTER_PRINCIPAL,
    CREATED_KUBELET_OID,
    EXISTING_CLUSTER_PRINCIPAL,
    EXISTING_KUBELET_OID,
    stubAcrExchange,
    SUBSCRIPTION,
} from "./harness/azureMocks";
import { podSpec } from "./harness/k8s";
import { isSecret, unsecret } from "./harness/mocks";
import { runProgram } from "./harness/program";
import { stackConfig } from "./harness/stacks";

const ROLE = "azure-native:authorization:RoleAssignment";
const AKS = "azure-native:containerservice:ManagedCluster";
const PROVIDER = "pulumi:providers:kubernetes";
const ACR_PULL_ROLE = `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d`;
const prod = stackConfig("prod");
const createStack = (cluster: Record<string, unknown>) =>
    aksStack({
        location: "northeurope",
        resourceGroup: { name: "rg-shop-dev", create: true },
        registry: { name: "shopdevacr" },
        cluster: { mode: "create", ...cluster },
    });

describe("aks target: cluster", () => {
    let exchange: ReturnType<typeof stubAcrExchange>;
    beforeEach(() => (exchange = stubAcrExchange()));
    afterEach(() => exchange.restore());

    describe("existing cluster", () => {
        it("looks the cluster up by name and resource group and connects with its user kubeconfig, decoded and secret", async () => {
            const mocks = azureMocks();
            const run = await runProgram(prod, mocks);
            const where = { resourceGroupName: "rg-platform-prod", resourceName: "aks-platform-prod" };
            assert.deepStrictEqual(mocks.invoked.get("containerservice:getManagedCluster"), [where]);
            assert.deepStrictEqual(mocks.invoked.get("containerservice:listManagedClusterUserCredentials"), [
                { ...where, format: "exec" },
            ]);
            const provider = run.get(PROVIDER, "cluster-k8s");
            assert.ok(isSecret(provider.inputs.kubeconfig), "the kubeconfig must reach the provider as a secret");
            assert.strictEqual(unsecret(provider.inputs.kubeconfig), aksKubeconfig("aks-platform-prod"));
            assert.deepStrictEqual(run.ofType(AKS), [], "attaching must not create a cluster");
            for (const r of run.resources.filter((x) => x.type.startsWith("kubernetes:"))) {
                assert.match(r.provider ?? "", /::cluster-k8s::/, `${r.type} ${r.name} must use the AKS provider`);
            }
        });

        it("grants AcrPull on the registry to the kubelet identity, not to the cluster's own identity", async () => {
            const run = await runProgram(prod, azureMocks());
            const grant = run.get(ROLE, "cluster-acr-pull");
            assert.strictEqual(grant.inputs.principalId, EXISTING_KUBELET_OID);
            assert.notStrictEqual(grant.inputs.principalId, EXISTING_CLUSTER_PRINCIPAL);
            assert.strictEqual(grant.inputs.principalType, "ServicePrincipal");
            assert.strictEqual(grant.inputs.roleDefinitionId, ACR_PULL_ROLE);
            assert.strictEqual(
                grant.inputs.scope,
                run.get("azure-native:containerregistry:Registry", "registry-acr").id,
            );
            assert.strictEqual(
                run.ofType(ROLE).filter((r) => r.name === "cluster-acr-pull").length,
                1,
                "one grant per registry",
            );
        });

        it("makes every Deployment wait for the grant and pull without imagePullSecrets", async () => {
            const run = await runProgram(prod, azureMocks());
            for (const app of ["backend", "frontend"]) {
                assert.ok(
                    run.dependsOn.get(`${app}-deploy`)?.includes("cluster-acr-pull"),
                    `${app} must not roll out before AcrPull exists`,
                );
                assert.strictEqual(
                    podSpec(run.get("kubernetes:apps/v1:Deployment", `${app}-deploy`)).imagePullSecrets,
                    undefined,
                );
            }
            assert.deepStrictEqual(run.ofType("kubernetes:core/v1:Secret"), [], "no pull secret on AKS");
        });

        it("deploys nothing, and says why, when the cluster has no kubelet managed identity", async () => {
            const run = await runProgram(prod, azureMocks({ noKubeletIdentity: true }));
            // The grant's input fails, so the engine fails the update; under mocks: it and the Deployments never register.
            const names = run.resources.map((r) => r.name);
            for (const missing of ["cluster-acr-pull", "backend-deploy", "frontend-deploy"])
                assert.ok(!names.includes(missing), `${missing} must not register`);
            assert.throws(
                () =>
                    kubeletObjectId("aks-platform-prod", {
                        aciConnectorLinux: { objectId: "6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b" },
                    }),
                /AKS cluster aks-platform-prod has no kubelet managed identity \(identityProfile\.kubeletidentity\).*az aks update --enable-managed-identity/,
            );
            assert.strictEqual(
                kubeletObjectId("aks-platform-prod", { kubeletidentity: { objectId: EXISTING_KUBELET_OID } }),
                EXISTING_KUBELET_OID,
            );
        });

        describe("a cluster that already holds AcrPull (az aks update --attach-acr, or another stack)", () => {
            const attached = (cluster: Record<string, unknown> = {}) =>
                aksStack({
                    registry: { mode: "existing", name: "contosoacr", resourceGroup: "rg-platform-prod" },
                    cluster: { name: "aks-platform-prod", resourceGroup: "rg-platform-prod", ...cluster },
                });
            const attachAcr = {
                principalId: EXISTING_KUBELET_OID,
                roleDefinitionId: ACR_PULL_ROLE,
                scope: armId("rg-platform-prod", "Microsoft.ContainerRegistry/registries", "contosoacr"),
            };

            it("is refused by ARM with 409 RoleAssignmentExists when stevedore creates the grant again", async () => {
                const run = await runProgram(attached(), azureMocks({ roleAssignments: [attachAcr] }));
                assert.deepStrictEqual(
                    run.refused.map((r) => [r.name, r.message.match(/Status=409 Code="RoleAssignmentExists"/)?.[0]]),
                    [["cluster-acr-pull", 'Status=409 Code="RoleAssignmentExists"']],
                );
            });

            it("with cluster.grantAcrPull: false creates no assignment and deploys on the existing grant", async () => {
                const run = await runProgram(
                    attached({ grantAcrPull: false }),
                    azureMocks({ roleAssignments: [attachAcr] }),
                );
                assert.deepStrictEqual(run.refused, []);
                assert.deepStrictEqual(
                    run.ofType(ROLE).map((r) => r.name),
                    ["registry-push"],
                    "only the deployer's AcrPush, nothing that destroy could take from the shared grant",
                );
                for (const app of ["backend", "frontend"]) {
                    assert.ok(!(run.dependsOn.get(`${app}-deploy`) ?? []).includes("cluster-acr-pull"));
                    assert.strictEqual(
                        podSpec(run.get("kubernetes:apps/v1:Deployment", `${app}-deploy`)).imagePullSecrets,
                        undefined,
                    );
                }
            });
        });

        it("in render mode writes manifests, fetches no kubeconfig, and still grants AcrPull", async () => {
            const mocks = azureMocks();
            const config = { ...prod, "stevedore:renderDir": "rendered/prod" };
            const run = await runProgram(config, mocks);
            const provider = run.get(PROVIDER, "cluster-k8s");
            assert.strictEqual(provider.inputs.renderYamlToDirectory, "rendered/prod");
            assert.strictEqual(provider.inputs.kubeconfig, undefined);
            assert.strictEqual(mocks.invoked.get("containerservice:listManagedClusterUserCredentials"), undefined);
            assert.strictEqual(run.get(ROLE, "cluster-acr-pull").inputs.principalId, EXISTING_KUBELET_OID);
        });
    });

    describe("created cluster", () => {
        it("creates AKS with a system-assigned identity and an autoscaling system pool, in the stack's resource group", async () => {
            const run = await runProgram(
                createStack({
                    name: "aks_shop_dev",
                    kubernetesVersion: "1.33",
                    nodePool: { vmSize: "Standard_D4s_v5", minCount: 2, maxCount: 5 },
                }),
                azureMocks(),
            );
            const aks = run.get(AKS, "cluster-aks").inputs;
            assert.strictEqual(aks.resourceName, "aks_shop_dev");
            assert.strictEqual(aks.resourceGroupName, "rg-shop-dev");
            assert.strictEqual(aks.location, "northeurope");
            assert.strictEqual(aks.dnsPrefix, "aks-shop-dev", "dnsPrefix takes no underscores");
            assert.strictEqual(aks.kubernetesVersion, "1.33");
            assert.strictEqual(aks.enableRBAC, true);
            assert.deepStrictEqual(aks.identity, { type: "SystemAssigned" });
            assert.deepStrictEqual(aks.agentPoolProfiles, [
                {
                    name: "system",
                    mode: "System",
                    osType: "Linux",
                    type: "VirtualMachineScaleSets",
                    vmSize: "Standard_D4s_v5",
                    enableAutoScaling: true,
                    minCount: 2,
                    maxCount: 5,
                    count: 2,
                },
            ]);
            const groups = run.ofType("azure-native:resources:ResourceGroup");
            assert.deepStrictEqual(
                groups.map((g) => g.inputs.resourceGroupName),
                ["rg-shop-dev"],
                "registry and cluster share one created group",
            );
            assert.ok(run.dependsOn.get("cluster-aks")?.includes("resource-group"));
        });

        it("defaults to AKS's current Kubernetes version, a Standard_D2s_v5 pool of 1-3 nodes and a name from project and stack", async () => {
            const run = await runProgram(createStack({}), azureMocks());
            const aks = run.get(AKS, "cluster-aks").inputs;
            assert.strictEqual(
                aks.kubernetesVersion,
                undefined,
                "unset, AKS picks its default (recent, supported) version",
            );
            assert.strictEqual(aks.resourceName, "stevedore-test");
            assert.strictEqual(aks.dnsPrefix, "stevedore-test");
            const [pool] = aks.agentPoolProfiles as Record<string, unknown>[];
            assert.deepStrictEqual([pool.vmSize, pool.minCount, pool.maxCount], ["Standard_D2s_v5", 1, 3]);
        });

        it("grants AcrPull to the created cluster's kubelet identity and connects with its kubeconfig", async () => {
            const mocks = azureMocks();
            const run = await runProgram(createStack({ name: "aks-shop-dev" }), mocks);
            const grant = run.get(ROLE, "cluster-acr-pull");
            assert.strictEqual(grant.inputs.principalId, CREATED_KUBELET_OID);
            assert.notStrictEqual(grant.inputs.principalId, CREATED_CLUSTER_PRINCIPAL);
            assert.strictEqual(grant.inputs.roleDefinitionId, ACR_PULL_ROLE);
            assert.strictEqual(
                grant.inputs.scope,
                run.get("azure-native:containerregistry:Registry", "registry-acr").id,
            );
            assert.ok(run.dependsOn.get("cluster-acr-pull")?.includes("cluster-aks"));
            assert.deepStrictEqual(mocks.invoked.get("containerservice:listManagedClusterUserCredentials"), [
                { resourceGroupName: "rg-shop-dev", resourceName: "aks-shop-dev", format: "exec" },
            ]);
            assert.strictEqual(mocks.invoked.get("containerservice:getManagedCluster"), undefined);
            assert.strictEqual(
                unsecret(run.get(PROVIDER, "cluster-k8s").inputs.kubeconfig),
                aksKubeconfig("aks-shop-dev"),
            );
            assert.ok(run.dependsOn.get("backend-deploy")?.includes("cluster-acr-pull"));
        });
    });
});
