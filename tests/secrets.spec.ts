import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import fc from "fast-check";
import { inlineKubeconfig, validCase, VARIANTS } from "./harness/arbitraries";
import { ECR_PASSWORD } from "./harness/awsMocks";
import { AAD_TOKEN, ACR_AAD_TOKEN, ACR_REFRESH_TOKEN, stubAcrExchange } from "./harness/azureMocks";
import { ACCESS_TOKEN } from "./harness/gcpMocks";
import { found, plainSecrets } from "./harness/leaks";
import { RecordingMocks, Registered } from "./harness/mocks";
import { runFailing, runProgram, TestConfig } from "./harness/program";
import { SEED } from "./harness/propertyReport";
import { mocksFor } from "./harness/verdicts";

/** Tokens the mocked clouds hand the program: they must stay secret too. */
const CLOUD_TOKENS = {
    "ECR token": ECR_PASSWORD,
    "Entra token": AAD_TOKEN,
    "Entra token (ACR audience)": ACR_AAD_TOKEN,
    "ACR refresh token": ACR_REFRESH_TOKEN,
    "GCP access token": ACCESS_TOKEN,
    "AKS kubeconfig token": "7f3c0b9e2d4a61f8c5e7b3a9d0f2c4e6",
};

/** The credential values a config sets, by key (the inline kubeconfig by its whole text). */
function configSecrets(config: TestConfig): Record<string, string> {
    // Besides stevedore's credentials: each app's secretEnv value (arbitraries.ts sets `<app>:dbPassword`).
    const appKeys = Object.keys(config).filter((k) => k.endsWith(":dbPassword"));
    const keys = ["stevedore:registryPassword", "stevedore:pullPassword", "stevedore:kubeconfig", ...appKeys];
    return Object.fromEntries(keys.filter((k) => typeof config[k] === "string").map((k) => [k, String(config[k])]));
}

/** A resource input and an output the way the mock engine records them: one plain, one secret. */
async function planted(
    plain: string,
    secret: string,
): Promise<{ resources: Registered[]; outputs: Record<string, unknown> }> {
    await pulumi.runtime.setMocks(new RecordingMocks(), "stevedore", "test", false);
    const resources: Registered[] = [
        {
            type: "test:Thing",
            name: "t",
            id: "t",
            state: {},
            inputs: {
                ok: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: secret },
                auth: Buffer.from(`ci:${plain}`).toString("base64"),
            },
        },
    ];
    return { resources, outputs: { hidden: pulumi.secret(secret), shown: pulumi.output({ nested: plain }) } };
}

describe("secrets cannot leak", function () {
    this.timeout(300_000);
    let exchange: ReturnType<typeof stubAcrExchange>;
    before(() => (exchange = stubAcrExchange()));
    after(() => exchange.restore());

    it("the check finds a planted plain value (as is and base64 user:password) and passes a secret one", async () => {
        const { resources, outputs } = await planted("leak-plain-1", "leak-hidden-2");
        const leaks = await plainSecrets(resources, outputs, { plain: "leak-plain-1", hidden: "leak-hidden-2" });
        assert.deepStrictEqual(leaks, ["plain in test:Thing t", "plain in the stack outputs"]);
        assert.deepStrictEqual(
            found(JSON.stringify({ k: inlineKubeconfig("x") }), { kubeconfig: inlineKubeconfig("x") }),
            ["kubeconfig"],
            "a multi-line value is found JSON-escaped",
        );
        await pulumi.runtime.disconnect();
    });

    for (const variant of VARIANTS) {
        it(`${variant}: no password, token or kubeconfig in plain text in any input or output`, async () => {
            for (const c of fc.sample(validCase(variant, { credentials: "always" }), { seed: SEED, numRuns: 2 })) {
                const fromConfig = configSecrets(c.config);
                const run = await runProgram(c.config, mocksFor(c), c.secretKeys);
                // Credentials reach some resource (as secrets), so a clean result means something.
                const everything = JSON.stringify(run.resources.map((r) => r.inputs));
                const kubeconfigToken = (/token: (leak-kube-[0-9a-f]+)/.exec(
                    fromConfig["stevedore:kubeconfig"] ?? "",
                ) ?? [])[1];
                const wanted = {
                    ...fromConfig,
                    ...(kubeconfigToken === undefined ? {} : { "kubeconfig token": kubeconfigToken }),
                };
                for (const name of Object.keys(wanted))
                    assert.ok(found(everything, wanted).includes(name), `${name} never reached a resource`);
                const leaks = await plainSecrets(run.resources, run.rawOutputs, { ...wanted, ...CLOUD_TOKENS });
                assert.deepStrictEqual(leaks, [], `plain secrets in ${JSON.stringify(c.config)}`);
            }
        });
    }

    it("an app's secretEnv value: only in the Secret's data, as a secret; never in the Deployment, the migration Job or the outputs", async () => {
        const value = "leak-app-4e1f0c9b";
        const config: TestConfig = {
            "stevedore:target": "local",
            "api:dbPassword": value,
            "stevedore:apps": [
                {
                    name: "api",
                    context: "apps/backend",
                    secretEnv: { DB_PASSWORD: "api:dbPassword" },
                    migrate: { command: ["node", "migrate.js"] },
                },
            ],
        };
        const run = await runProgram(config, {}, ["api:dbPassword"]);
        const holders = run.resources.filter((r) => JSON.stringify(r.inputs).includes(value)).map((r) => r.name);
        assert.deepStrictEqual(holders, ["api-secret"], "the value reaches the Secret and nothing else");
        assert.deepStrictEqual(await plainSecrets(run.resources, run.rawOutputs, { app: value }), []);
    });

    it("render mode (manifests in plain text on disk): a secretEnv is refused before anything is registered, without its value", async () => {
        const value = "leak-app-77d0a2e5";
        const { error, resources } = await runFailing(
            {
                "stevedore:target": "local",
                "stevedore:renderDir": "rendered/dev",
                "api:dbPassword": value,
                "stevedore:apps": [
                    { name: "api", context: "apps/backend", secretEnv: { DB_PASSWORD: "api:dbPassword" } },
                ],
            },
            {},
            ["api:dbPassword"],
        );
        assert.strictEqual(error.name, "ConfigError");
        assert.match(error.message, /secretEnv \/ stevedore:renderDir/);
        assert.ok(!error.message.includes(value));
        assert.deepStrictEqual(resources, []);
        // What the cluster holds already renders as a name only.
        const rendered = await runProgram({
            "stevedore:target": "local",
            "stevedore:renderDir": "rendered/dev",
            "stevedore:apps": [{ name: "api", context: "apps/backend", envFrom: [{ secret: "db-creds" }] }],
        });
        assert.deepStrictEqual(rendered.ofType("kubernetes:core/v1:Secret"), []);
    });
});
