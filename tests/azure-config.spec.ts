import * as assert from "assert";
import { aksStack, azureMocks, stubAcrExchange } from "./harness/azureMocks";
import { configErrorOf, runFailing } from "./harness/program";
import { stackConfig, withConfig } from "./harness/stacks";

const prod = stackConfig("prod");

/** Runs `config` expecting a config error; checks nothing was registered or looked up, and returns the message. */
async function rejected(config: Record<string, unknown>): Promise<string> {
    const exchange = stubAcrExchange();
    const mocks = azureMocks();
    try {
        const message = configErrorOf(await runFailing(config, mocks));
        assert.deepStrictEqual([...mocks.invoked.keys()], [], "a bad config must not even call Azure");
        assert.deepStrictEqual(exchange.requests, []);
        return message;
    } finally {
        exchange.restore();
    }
}

const azure = (c: Record<string, unknown>) => c["stevedore:azure"] as Record<string, Record<string, unknown>>;

describe("aks target: config", () => {
    it("rejects bad Azure names, each with the key, the value and the naming rule", async () => {
        const message = await rejected(
            withConfig(prod, (c) => {
                azure(c).registry.name = "my-registry";
                azure(c).resourceGroup.name = "rg stevedore.";
                azure(c).cluster.name = "-aks-platform";
                azure(c).cluster.resourceGroup = "x".repeat(91);
            }),
        );
        assert.match(
            message,
            /stevedore:azure\.registry\.name = "my-registry": must be 5-50 letters and digits only \(no '-', '_' or '\.'\), and unique across Azure/,
        );
        assert.match(
            message,
            /stevedore:azure\.resourceGroup\.name = "rg stevedore\.": must be 1-90 characters of letters, digits, '_', '-', '\.', '\(' and '\)', not ending in '\.'/,
        );
        assert.match(
            message,
            /stevedore:azure\.cluster\.name = "-aks-platform": must be 1-63 characters of letters, digits, '-' and '_', starting and ending with a letter or digit/,
        );
        assert.match(message, /stevedore:azure\.cluster\.resourceGroup = "x{76}\.\.\.: must be 1-90 characters/);
    });

    it("rejects a registry name that is too short, and region display names", async () => {
        const message = await rejected(
            withConfig(prod, (c) => {
                azure(c).registry.name = "acr";
                c["stevedore:azure"] = { ...azure(c), location: "West Europe" };
            }),
        );
        assert.match(message, /stevedore:azure\.registry\.name = "acr": must be 5-50 letters and digits/);
        assert.match(
            message,
            /stevedore:azure\.location = "West Europe": must be an Azure region name such as westeurope or eastus2/,
        );
    });

    it("names every missing key when stevedore:azure is absent", async () => {
        const message = await rejected(aksStack({}, (c) => delete c["stevedore:azure"]));
        assert.match(
            message,
            /stevedore:azure\.cluster\.name = nothing \(the key is missing\): is required when mode is "existing" \(the AKS cluster's name\)/,
        );
        assert.match(
            message,
            /stevedore:azure\.resourceGroup = nothing \(the key is missing\): is required \(a map with at least a name\) because registry\.mode is "create" and cluster\.resourceGroup is not set/,
        );
        assert.match(
            message,
            /stevedore:azure\.location = nothing \(the key is missing\): is required because registry\.mode is "create"; give an Azure region such as westeurope/,
        );
    });

    it("needs a name for an existing registry, and keeps create-only settings out of existing mode", async () => {
        const message = await rejected(
            aksStack({
                location: "westeurope",
                resourceGroup: { name: "rg-shop" },
                registry: { mode: "existing", sku: "Premium", armAudienceTokens: false },
                cluster: { name: "aks-shop", kubernetesVersion: "1.33", nodePool: { minCount: 2 } },
            }),
        );
        assert.match(
            message,
            /stevedore:azure\.registry\.armAudienceTokens = false: applies only when mode is "create"; stevedore does not change an existing registry \(az acr config authentication-as-arm does\)/,
        );
        assert.match(
            message,
            /stevedore:azure\.registry\.name = nothing \(the key is missing\): is required when mode is "existing" \(the ACR name/,
        );
        assert.match(
            message,
            /stevedore:azure\.registry\.sku = "Premium": applies only when mode is "create"; stevedore does not change an existing registry's SKU/,
        );
        assert.match(
            message,
            /stevedore:azure\.cluster\.kubernetesVersion = "1\.33": applies only when mode is "create"/,
        );
        assert.match(
            message,
            /stevedore:azure\.cluster\.nodePool = \{"minCount":2\}: applies only when mode is "create"/,
        );
    });

    it("keeps created resources in the stack's resource group, which then needs a location", async () => {
        const message = await rejected(
            aksStack({
                resourceGroup: { name: "rg-shop", create: true },
                registry: { resourceGroup: "rg-elsewhere" },
                cluster: { mode: "create", resourceGroup: "rg-other", grantAcrPull: false },
            }),
        );
        assert.match(
            message,
            /stevedore:azure\.cluster\.grantAcrPull = false: applies only when mode is "existing"; a created cluster's new kubelet identity/,
        );
        assert.match(
            message,
            /stevedore:azure\.registry\.resourceGroup = "rg-elsewhere": applies only when mode is "existing"; a created registry goes to resourceGroup\.name/,
        );
        assert.match(
            message,
            /stevedore:azure\.cluster\.resourceGroup = "rg-other": applies only when mode is "existing"; a created cluster goes to resourceGroup\.name/,
        );
        assert.match(
            message,
            /stevedore:azure\.location = nothing \(the key is missing\): is required because resourceGroup\.create is true and registry\.mode is "create" and cluster\.mode is "create"/,
        );
    });

    it("refuses to create a resource group that nothing would go into", async () => {
        const message = await rejected(
            aksStack({
                location: "westeurope",
                resourceGroup: { name: "rg-unused", create: true },
                registry: { mode: "existing", name: "contosoacr", resourceGroup: "rg-registries" },
                cluster: { name: "aks-shop", resourceGroup: "rg-clusters" },
            }),
        );
        assert.match(
            message,
            /stevedore:azure\.resourceGroup\.create = true: must be false: nothing goes into this group/,
        );
    });

    it("checks the node pool, the Kubernetes version, the SKU and the modes", async () => {
        const message = await rejected(
            withConfig(prod, (c) => {
                azure(c).registry.sku = "Free";
                azure(c).cluster = {
                    mode: "create",
                    kubernetesVersion: "latest",
                    nodePool: { vmSize: "D2s_v5", minCount: 4, maxCount: 2 },
                };
            }),
        );
        assert.match(message, /stevedore:azure\.registry\.sku = "Free": must be one of "Basic", "Standard", "Premium"/);
        assert.match(
            message,
            /stevedore:azure\.cluster\.kubernetesVersion = "latest": must be a Kubernetes version such as 1\.33 or 1\.33\.2/,
        );
        assert.match(
            message,
            /stevedore:azure\.cluster\.nodePool\.vmSize = "D2s_v5": must be an Azure VM size such as Standard_D2s_v5/,
        );
        assert.match(message, /stevedore:azure\.cluster\.nodePool\.minCount = 4: must be <= maxCount \(2\)/);

        const modes = await rejected(withConfig(prod, (c) => (azure(c).cluster.mode = "attach")));
        assert.match(modes, /stevedore:azure\.cluster\.mode = "attach": must be one of "existing", "create"/);
    });

    it("rejects unknown keys, listing the allowed ones", async () => {
        const message = await rejected(withConfig(prod, (c) => (azure(c).registry.skuName = "Basic")));
        assert.match(
            message,
            /stevedore:azure\.registry\.skuName = "Basic": unknown key; allowed keys here: mode, name, resourceGroup, sku, grantPushToDeployer/,
        );
    });
});
