import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { runProgram } from "./harness/program";
import { stackConfig, withConfig } from "./harness/stacks";
import { withWarnings } from "./harness/warnings";

const dev = stackConfig("dev");
const KUBECONFIG =
    "apiVersion: v1\nkind: Config\nclusters:\n- name: lab\n  cluster: {server: https://lab.example.com:6443}\n";

/** Local push credentials, a generic registry with its own pull token, and an inline kubeconfig: every credential key. */
const allCredentials = withConfig(dev, (c) => {
    c["stevedore:registryUsername"] = "ci";
    c["stevedore:registryPassword"] = "push-pw";
    c["stevedore:pullUsername"] = "reader";
    c["stevedore:pullPassword"] = "pull-token";
    c["stevedore:registry"] = { kind: "generic", address: "harbor.example.com/team" };
    c["stevedore:cluster"] = { kind: "kubeconfig" };
    c["stevedore:kubeconfig"] = KUBECONFIG;
});
const CREDENTIALS = ["registryPassword", "pullPassword", "kubeconfig"];

/** Runs the program (secretKeys: keys the engine marks secret, as `pulumi config set --secret` does) and returns its warnings about plain text. */
async function plaintextWarnings(secretKeys: string[]): Promise<string[]> {
    const { warnings } = await withWarnings(() => runProgram(allCredentials, {}, secretKeys));
    return warnings.filter((w) => w.includes("plain text"));
}

describe("credentials set without --secret", () => {
    it("relies on the SDK's runtime check of the engine's secret keys (fails here if an upgrade drops it)", () => {
        const runtime = pulumi.runtime as unknown as { isConfigSecret?: unknown };
        assert.strictEqual(typeof runtime.isConfigSecret, "function");
    });

    it("warns once per plain credential key, naming it and the exact pulumi config set --secret command", async () => {
        const warnings = await plaintextWarnings([]);
        assert.strictEqual(warnings.length, 3, warnings.join("\n"));
        assert.match(
            warnings[0],
            /^stevedore:registryPassword is stored in plain text in Pulumi\.test\.yaml: it was set without --secret/,
        );
        assert.ok(
            warnings[0].includes("`pulumi config set --secret stevedore:registryPassword <password-or-token>`"),
            warnings[0],
        );
        assert.ok(
            warnings[1].includes("`pulumi config set --secret stevedore:pullPassword <read-only-token>`"),
            warnings[1],
        );
        assert.ok(
            warnings[2].includes("`pulumi config set --secret stevedore:kubeconfig < <kubeconfig-file>`"),
            warnings[2],
        );
    });

    it("never puts the value itself in the warning", async () => {
        const warnings = await plaintextWarnings([]);
        for (const value of ["push-pw", "pull-token", "lab.example.com"])
            assert.ok(!warnings.join("\n").includes(value), value);
    });

    it("warns only about the keys that are not secret", async () => {
        const warnings = await plaintextWarnings(["registryPassword", "kubeconfig"]);
        assert.deepStrictEqual(
            warnings.map((w) => w.split(" ")[0]),
            ["stevedore:pullPassword"],
        );
    });

    it("stays quiet when every credential was set with --secret, and when none is set", async () => {
        assert.deepStrictEqual(await plaintextWarnings(CREDENTIALS), []);
        const { warnings } = await withWarnings(() => runProgram(dev));
        assert.deepStrictEqual(warnings, []);
    });
});
