import { awsMocks, eksExampleConfig } from "./awsMocks";
import { aksStack, azureMocks, stubAcrExchange } from "./azureMocks";
import { gcpMocks, gkeStack, PROJECT } from "./gcpMocks";
import { MockOptions } from "./mocks";
import { TestConfig } from "./program";
import { stackConfig, withConfig } from "./stacks";

/** One target under mocks: its stack config, its cloud mocks, and what must wrap each run. */
export interface TargetCase {
    name: string;
    config: TestConfig;
    mocks: () => MockOptions;
    /** Installed around each run (ACR's token exchange is a fetch); returns the undo. */
    around?: () => () => void;
}

/** Every target stevedore ships, each with the smallest working config. */
export const TARGET_CASES: TargetCase[] = [
    { name: "local", config: stackConfig("dev"), mocks: () => ({}) },
    {
        name: "aks",
        config: aksStack({
            location: "westeurope",
            resourceGroup: { name: "rg-shop", create: true },
            registry: { name: "shopacr" },
            cluster: { mode: "existing", name: "aks-shop", resourceGroup: "rg-platform" },
        }),
        mocks: () => azureMocks(),
        around: () => stubAcrExchange().restore,
    },
    { name: "eks", config: eksExampleConfig(), mocks: () => awsMocks({ clusters: ["myCluster"] }) },
    {
        name: "gke",
        config: gkeStack({ project: PROJECT, location: "europe-west4", cluster: { name: "shop-prod" } }),
        mocks: () => gcpMocks(),
    },
    {
        name: "generic",
        config: withConfig(
            stackConfig("dev"),
            (c) => (c["stevedore:registry"] = { kind: "generic", address: "harbor.example.com/shop" }),
        ),
        mocks: () => ({}),
    },
];
