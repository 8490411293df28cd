import * as assert from "assert";
import { exchangeForRefreshToken } from "../components/azure/credentials/acrTokenExchange";
import { defaultRegistryName } from "../components/azure/names";
import {
    ACR_AAD_TOKEN,
    ACR_REFRESH_TOKEN,
    aksStack,
    azureMocks,
    DEPLOYER_OID,
    stubAcrExchange,
    SUBSCRIPTION,
    TENANT,
} from "./harness/azureMocks";
import { deployment } from "./harness/k8s";
import { isSecret, unsecret } from "./harness/mocks";
import { runFailing, runProgram } from "./harness/program";
import { stackConfig } from "./harness/stacks";

const ACR = "azure-native:containerregistry:Registry";
const ROLE = "azure-native:authorization:RoleAssignment";
const IMAGE = "docker:index/image:Image";
const prod = stackConfig("prod");
const ACR_PUSH_ROLE = `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/8311e382-0749-4cb8-b61a-304f252e45ec`;
/** A stack with an existing cluster, so only the registry settings vary. */
const withRegistry = (registry: Record<string, unknown>) =>
    aksStack({ location: "westeurope", resourceGroup: { name: "rg-shop" }, registry, cluster: { name: "aks-shop" } });

describe("aks target: registry", () => {
    let exchange: ReturnType<typeof stubAcrExchange>;
    beforeEach(() => (exchange = stubAcrExchange()));
    afterEach(() => exchange.restore());

    it("creates an ACR with the configured SKU, admin user disabled, in the stack's new resource group", async () => {
        const run = await runProgram(prod, azureMocks());
        const acr = run.get(ACR, "registry-acr");
        assert.strictEqual(acr.inputs.adminUserEnabled, false);
        assert.deepStrictEqual(acr.inputs.sku, { name: "Standard" });
        assert.strictEqual(acr.inputs.location, "westeurope");
        assert.strictEqual(acr.inputs.resourceGroupName, "rg-stevedore-prod");
        const group = run.get("azure-native:resources:ResourceGroup", "resource-group");
        assert.deepStrictEqual(
            [group.inputs.resourceGroupName, group.inputs.location],
            ["rg-stevedore-prod", "westeurope"],
        );
        assert.ok(
            run.dependsOn.get("registry-acr")?.includes("resource-group"),
            "the registry must wait for its resource group",
        );
    });

    it("defaults to the Basic SKU and a valid registry name derived from project, stack and subscription", async () => {
        const run = await runProgram(withRegistry({}), azureMocks());
        const acr = run.get(ACR, "registry-acr");
        assert.deepStrictEqual(acr.inputs.sku, { name: "Basic" });
        const name = String(acr.inputs.registryName);
        // Project `stevedore`, stack `test` (the mocks' names), then 8 hex digits of hash.
        assert.match(name, /^stevedoretest[0-9a-f]{8}$/);
        assert.strictEqual(run.outputs.registry, `${name}.azurecr.io`);

        const other = await runProgram(
            withRegistry({}),
            azureMocks({ subscription: "0c6f1d2e-3b4a-4958-8e7d-6c5b4a392817" }),
        );
        const otherName = String(other.get(ACR, "registry-acr").inputs.registryName);
        assert.notStrictEqual(
            otherName,
            name,
            "another subscription's stevedore/test must not collide on the global ACR namespace",
        );
        assert.match(otherName, /^stevedoretest[0-9a-f]{8}$/);
    });

    it("derives names that ACR accepts from any project and stack", () => {
        const long = defaultRegistryName(
            SUBSCRIPTION,
            "Payments-Platform_Service.API-with-a-very-long-name",
            "production-europe-west",
        );
        assert.match(long, /^[a-z0-9]{5,50}$/);
        assert.strictEqual(long.length, 50);
        assert.strictEqual(long.slice(0, 42), "paymentsplatformserviceapiwithaverylongnam");
        assert.match(
            defaultRegistryName(SUBSCRIPTION, "--", "_"),
            /^[0-9a-f]{8}$/,
            "even with nothing alphanumeric left, the hash keeps it >= 5 characters",
        );
        assert.strictEqual(
            defaultRegistryName(SUBSCRIPTION, "shop", "dev"),
            defaultRegistryName(SUBSCRIPTION, "shop", "dev"),
            "stable across runs",
        );
        assert.notStrictEqual(
            defaultRegistryName(SUBSCRIPTION, "shop", "dev"),
            defaultRegistryName(SUBSCRIPTION, "shop", "prod"),
        );
    });

    it("pushes each app to <registry>.azurecr.io/<app> and deploys it by digest", async () => {
        const digests = { backend: "b".repeat(64), frontend: "f".repeat(64) };
        const run = await runProgram(withRegistry({ name: "shopacr01" }), { ...azureMocks(), digests });
        for (const app of ["backend", "frontend"] as const) {
            assert.match(
                String(run.get(IMAGE, `${app}-image`).inputs.imageName),
                new RegExp(`^shopacr01\\.azurecr\\.io/${app}:src-[0-9a-f]{16}$`),
            );
            const container = deployment(run.get("kubernetes:apps/v1:Deployment", `${app}-deploy`)).spec.template.spec
                .containers[0];
            assert.strictEqual(container.image, `shopacr01.azurecr.io/${app}@sha256:${digests[app]}`);
        }
    });

    it("pushes as the deployer: AcrPush on this registry only, and a registry token exchanged from its Entra login, kept secret", async () => {
        const run = await runProgram(withRegistry({}), azureMocks());
        const acr = run.get(ACR, "registry-acr");
        const server = `${String(acr.inputs.registryName)}.azurecr.io`;

        const push = run.get(ROLE, "registry-push");
        assert.strictEqual(push.inputs.principalId, DEPLOYER_OID);
        assert.strictEqual(push.inputs.roleDefinitionId, ACR_PUSH_ROLE);
        assert.strictEqual(push.inputs.scope, acr.id);

        assert.deepStrictEqual(exchange.requests, [
            {
                url: `https://${server}/oauth2/exchange`,
                method: "POST",
                form: { grant_type: "access_token", service: server, tenant: TENANT, access_token: ACR_AAD_TOKEN },
            },
        ]);
        for (const app of ["backend", "frontend"]) {
            const image = run.get(IMAGE, `${app}-image`);
            assert.ok(isSecret(image.inputs.registry), "push credentials must reach the provider as a secret");
            assert.deepStrictEqual(unsecret(image.inputs.registry), {
                server,
                username: "00000000-0000-0000-0000-000000000000",
                password: ACR_REFRESH_TOKEN,
            });
            assert.ok(
                run.dependsOn.get(`${app}-image`)?.includes("registry-push"),
                `${app} must be pushed only after AcrPush is granted`,
            );
        }
        assert.strictEqual(run.ofType(ACR).length, 1);
    });

    it("leaves the deployer's roles alone when grantPushToDeployer is false", async () => {
        const run = await runProgram(withRegistry({ grantPushToDeployer: false }), azureMocks());
        assert.deepStrictEqual(
            run.ofType(ROLE).map((r) => r.name),
            ["cluster-acr-pull"],
        );
        assert.strictEqual(exchange.requests.length, 1);
        assert.strictEqual(
            (unsecret(run.get(IMAGE, "backend-image").inputs.registry) as { password: string }).password,
            ACR_REFRESH_TOKEN,
        );
    });

    it("pushes with stevedore:registryUsername/registryPassword when given, without exchanging or granting anything", async () => {
        const config = withRegistry({ name: "shopacr01" });
        config["stevedore:registryUsername"] = "ci-push-token";
        config["stevedore:registryPassword"] = "Zx9+token/password==";
        const run = await runProgram(config, azureMocks(), ["registryPassword"]);
        assert.deepStrictEqual(unsecret(run.get(IMAGE, "backend-image").inputs.registry), {
            server: "shopacr01.azurecr.io",
            username: "ci-push-token",
            password: "Zx9+token/password==",
        });
        assert.deepStrictEqual(exchange.requests, []);
        assert.deepStrictEqual(
            run.ofType(ROLE).map((r) => r.name),
            ["cluster-acr-pull"],
        );
    });

    it("uses an existing registry by name and resource group, creating no registry", async () => {
        const mocks = azureMocks();
        const run = await runProgram(
            withRegistry({ mode: "existing", name: "ContosoShared", resourceGroup: "rg-shared-registries" }),
            mocks,
        );
        assert.deepStrictEqual(run.ofType(ACR), []);
        assert.deepStrictEqual(mocks.invoked.get("containerregistry:getRegistry"), [
            { registryName: "ContosoShared", resourceGroupName: "rg-shared-registries" },
        ]);
        assert.strictEqual(run.outputs.registry, "contososhared.azurecr.io");
        assert.match(
            String(run.get(IMAGE, "backend-image").inputs.imageName),
            /^contososhared\.azurecr\.io\/backend:src-/,
        );
        assert.strictEqual(
            run.get(ROLE, "registry-push").inputs.scope,
            `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-shared-registries/providers/Microsoft.ContainerRegistry/registries/ContosoShared`,
        );
    });

    it("fails the update with the registry and the HTTP status when the token exchange is refused", async () => {
        exchange.restore();
        exchange = stubAcrExchange(401);
        const { error } = await runFailing(withRegistry({ name: "shopacr01" }), azureMocks());
        assert.match(
            error.message,
            /shopacr01\.azurecr\.io refused to exchange this Azure login for a registry token \(HTTP 401: .*UNAUTHORIZED/,
        );
    });

    it("exchanges an ACR-audience token, which a registry with authentication-as-arm disabled accepts", async () => {
        exchange.restore();
        exchange = stubAcrExchange({ acrAudienceOnly: true });
        const mocks = azureMocks();
        const run = await runProgram(withRegistry({ name: "shopacr01" }), mocks);
        assert.deepStrictEqual(mocks.invoked.get("authorization:getClientToken"), [
            { endpoint: "https://containerregistry.azure.net" },
        ]);
        assert.strictEqual(
            (unsecret(run.get(IMAGE, "backend-image").inputs.registry) as Record<string, string>).password,
            ACR_REFRESH_TOKEN,
        );
    });

    it("sets the created registry's authentication-as-arm policy only when registry.armAudienceTokens says so", async () => {
        const policies = async (registry: Record<string, unknown>) =>
            (await runProgram(withRegistry(registry), azureMocks())).get(ACR, "registry-acr").inputs.policies;
        assert.deepStrictEqual(await policies({ armAudienceTokens: false }), {
            azureADAuthenticationAsArmPolicy: { status: "disabled" },
        });
        assert.deepStrictEqual(await policies({ armAudienceTokens: true }), {
            azureADAuthenticationAsArmPolicy: { status: "enabled" },
        });
        assert.strictEqual(await policies({}), undefined, "a registry made before the key existed sees no change");
    });

    it("fails with the registry's name, not a SyntaxError, when the exchange answers something that is not JSON", async () => {
        exchange.restore();
        exchange = stubAcrExchange({ body: "<html><body>Access denied by proxy</body></html>" });
        const { error } = await runFailing(withRegistry({ name: "shopacr01" }), azureMocks());
        assert.notStrictEqual(error.name, "SyntaxError");
        assert.match(
            error.message,
            /shopacr01\.azurecr\.io answered the token exchange \(HTTP 200\) without a refresh_token: "<html><body>Access denied by proxy/,
        );
    });

    it("gives up on an exchange that never answers, naming the registry and the wait", async () => {
        exchange.restore();
        exchange = stubAcrExchange({ hang: true });
        await assert.rejects(
            exchangeForRefreshToken("shopacr01.azurecr.io", TENANT, ACR_AAD_TOKEN, undefined, 50),
            /shopacr01\.azurecr\.io: the registry token exchange \(https:\/\/shopacr01\.azurecr\.io\/oauth2\/exchange\) failed: no answer within 0\.05 s/,
        );
    });
});
