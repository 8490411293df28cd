import * as assert from "assert";
import { configErrorOf, runFailing, runProgram, TestConfig } from "./harness/program";

/** One app entry with `fields`, plus any other config; the secret key is set and secret unless a test says otherwise. */
function stack(
    fields: Record<string, unknown>,
    extra: TestConfig = {},
    others: Record<string, unknown>[] = [],
): TestConfig {
    return {
        "stevedore:target": "local",
        "api:dbPassword": "pw",
        "stevedore:apps": [{ name: "api", context: "apps/backend", ...fields }, ...others],
        ...extra,
    };
}

/** Runs `config`, expects a config error with nothing registered, and returns its message. */
async function rejected(config: TestConfig, secretKeys: string[] = ["api:dbPassword"]): Promise<string> {
    return configErrorOf(await runFailing(config, {}, secretKeys));
}

describe("service config: every new key validated, contradictions name both keys", () => {
    it("accepts a full service and a secret kept under stevedore: itself", async () => {
        const run = await runProgram(
            stack(
                { secretEnv: { DB_PASSWORD: "apiDbPassword" }, migrate: { command: ["migrate"] } },
                { "stevedore:apiDbPassword": "pw" },
            ),
            {},
            ["stevedore:apiDbPassword"],
        );
        assert.strictEqual(run.ofType("kubernetes:core/v1:Secret").length, 1);
    });

    const cases: [string, TestConfig, RegExp, string[]?][] = [
        [
            "an HTTP probe on a worker",
            stack({ port: "none", probe: { type: "http" } }),
            /stevedore:apps\[0\]\.probe = \{"type":"http"\}: a http probe needs a port, but port is "none"/,
        ],
        [
            "a gRPC probe on a worker",
            stack({ port: "none", probe: { type: "grpc" } }),
            /apps\[0\]\.probe = .*grpc probe needs a port/,
        ],
        [
            "healthPath with a TCP probe",
            stack({ healthPath: "/ready", probe: { type: "tcp" } }),
            /apps\[0\]\.healthPath = "\/ready": is only for HTTP probes, but the probe is tcp/,
        ],
        [
            "healthPath on a worker",
            stack({ port: "none", healthPath: "/ready" }),
            /apps\[0\]\.healthPath = "\/ready": is only for HTTP probes, but the probe is none/,
        ],
        [
            "healthPath and probe.path",
            stack({ healthPath: "/a", probe: { type: "http", path: "/b" } }),
            /apps\[0\]\.healthPath = "\/a": and probe\.path both give/,
        ],
        [
            "an unknown probe type",
            stack({ probe: { type: "ping" } }),
            /apps\[0\]\.probe\.type = "ping": must be one of "http", "tcp", "grpc", "exec", "none"/,
        ],
        [
            "an exec probe without a command",
            stack({ probe: { type: "exec" } }),
            /apps\[0\]\.probe\.command = nothing \(the key is missing\)/,
        ],
        [
            "a typo in a probe",
            stack({ probe: { type: "tcp", perodSeconds: 3 } }),
            /apps\[0\]\.probe\.perodSeconds = 3: unknown key/,
        ],
        [
            "a worker exposed",
            stack({ port: "none", expose: "loadBalancer" }),
            /apps\[0\]\.expose = "loadBalancer": must be "none" when port is "none"/,
        ],
        ["port as another word", stack({ port: "off" }), /apps\[0\]\.port = "off"/],
        [
            "replicas with autoscale",
            stack({ replicas: 3, autoscale: { min: 2, max: 5 } }),
            /apps\[0\]\.replicas = 3: cannot be set with autoscale/,
        ],
        [
            "autoscale min above max",
            stack({ autoscale: { min: 6, max: 5 } }),
            /apps\[0\]\.autoscale\.min = 6: must be <= autoscale\.max \(5\)/,
        ],
        [
            "autoscale above 100",
            stack({ autoscale: { min: 1, max: 500 } }),
            /apps\[0\]\.autoscale\.max = 500: must be <= 100/,
        ],
        [
            "a secretEnv key that is not set",
            stack({ secretEnv: { DB_PASSWORD: "api:missing" } }),
            /apps\[0\]\.secretEnv\.DB_PASSWORD = "api:missing": api:missing is not set; set it with `pulumi config set --secret api:missing <value>`/,
        ],
        [
            "a secretEnv key set in plain text",
            stack({ secretEnv: { DB_PASSWORD: "api:dbPassword" } }),
            /api:dbPassword is stored in plain text; re-set it with `pulumi config set --secret api:dbPassword <value>`/,
            [],
        ],
        [
            "a secretEnv borrowing stevedore's own key",
            stack(
                { secretEnv: { P: "registryPassword" } },
                { "stevedore:registryUsername": "u", "stevedore:registryPassword": "p" },
            ),
            /apps\[0\]\.secretEnv\.P = "registryPassword": is one of stevedore's own keys/,
            ["stevedore:registryPassword"],
        ],
        [
            "a secretEnv name that is not an env name",
            stack({ secretEnv: { "DB-PASSWORD": "api:dbPassword" } }),
            /apps\[0\]\.secretEnv/,
        ],
        [
            "a secretEnv also in env",
            stack({ env: { DB_PASSWORD: "x" }, secretEnv: { DB_PASSWORD: "api:dbPassword" } }),
            /apps\[0\]\.secretEnv\.DB_PASSWORD = "api:dbPassword": is also set in env/,
        ],
        [
            "secretEnv in render mode",
            stack({ secretEnv: { DB_PASSWORD: "api:dbPassword" } }, { "stevedore:renderDir": "rendered/dev" }),
            /apps\[0\]\.secretEnv \/ stevedore:renderDir: render mode writes every manifest in plain text/,
        ],
        [
            "envFrom of a name that is not a DNS subdomain",
            stack({ envFrom: [{ secret: "DB_Creds" }] }),
            /apps\[0\]\.envFrom\[0\]/,
        ],
        [
            "envFrom with both kinds in one entry",
            stack({ envFrom: [{ secret: "a", configMap: "b" }] }),
            /apps\[0\]\.envFrom\[0\] = .*must be \{secret: <name>\} or \{configMap: <name>\}/,
        ],
        ["a relative file path", stack({ files: { "etc/app.json": "{}" } }), /apps\[0\]\.files/],
        ["a file path with ..", stack({ files: { "/etc/../app.json": "{}" } }), /apps\[0\]\.files/],
        [
            "too much file content",
            stack({ files: { "/etc/big": "x".repeat(300 * 1024) } }),
            /apps\[0\]\.files = .*hold 307200 bytes; at most 262144/,
        ],
        ["an empty command", stack({ command: [] }), /apps\[0\]\.command = \[\]: must list at least 1 item/],
        [
            "a migration with no command",
            stack({ migrate: { timeoutSeconds: 60 } }),
            /apps\[0\]\.migrate\.command = nothing/,
        ],
        [
            "a migration timeout too short",
            stack({ migrate: { command: ["m"], timeoutSeconds: 1 } }),
            /apps\[0\]\.migrate\.timeoutSeconds = 1: must be >= 10/,
        ],
        [
            "allowFrom without networkPolicy",
            stack({ allowFrom: ["*"] }),
            /apps\[0\]\.allowFrom \/ stevedore:networkPolicy: allowFrom only takes effect with stevedore:networkPolicy: true/,
        ],
        [
            "allowFrom naming no app",
            stack({ allowFrom: ["fronend"] }, { "stevedore:networkPolicy": true }),
            /apps\[0\]\.allowFrom\[0\] = "fronend": is not an app of this stack; allowed: "api"/,
        ],
        [
            "an exposed app under network policy with no allowFrom",
            stack({ expose: "loadBalancer" }, { "stevedore:networkPolicy": true }),
            /apps\[0\]\.expose = "loadBalancer" \/ stevedore:networkPolicy: an exposed app needs allowFrom/,
        ],
        [
            "networkPolicy that is not a flag",
            stack({}, { "stevedore:networkPolicy": "yes" }),
            /stevedore:networkPolicy = "yes": must be true or false/,
        ],
    ];
    for (const [what, config, message, secretKeys] of cases) {
        it(`rejects ${what}`, async () => {
            assert.match(await rejected(config, secretKeys), message);
        });
    }

    it("never echoes a secretEnv value in an error", async () => {
        const message = await rejected(stack({ secretEnv: { DB_PASSWORD: "api:dbPassword" }, replicas: 0 }), []);
        assert.ok(!message.includes('"pw"') && !/: pw\b/.test(message), message);
    });
});
