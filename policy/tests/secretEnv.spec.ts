import * as assert from "assert";
import { appPodSpec } from "../../components/app/podSpec";
import { appSchema } from "../../components/config/app";
import { looksSecret, noPlainSecretEnv } from "../policies/secretEnv";
import { container, CRON_JOB, DEPLOYMENT, JOB, pinned, podSpec, workload, WORKLOADS } from "./fixtures";
import { COMPUTED, Props, violations } from "./harness";

const withEnv = (env: unknown[], type = DEPLOYMENT) => workload(type, podSpec([container("api", { env })]));

describe("no-plain-secret-env (mandatory)", () => {
    it("is mandatory", () => {
        assert.strictEqual(noPlainSecretEnv.enforcementLevel, "mandatory");
    });

    it("refuses a plain value for a name that reads like a credential, in every workload kind", async () => {
        for (const type of WORKLOADS) {
            const found = await violations(
                noPlainSecretEnv,
                type,
                withEnv([{ name: "DB_PASSWORD", value: "hunter2" }], type),
            );
            assert.deepStrictEqual(
                found,
                [
                    'container "api": env DB_PASSWORD has a plain value; give it through a Secret (stevedore: apps[].secretEnv with `pulumi config set --secret`, or envFrom of an existing Secret)',
                ],
                type,
            );
        }
    });

    it("passes secretKeyRef, other names, references to a secret, and computed values", async () => {
        const env = [
            { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "api-secret-1a2b", key: "DB_PASSWORD" } } },
            { name: "LOG_LEVEL", value: "debug" },
            { name: "TOKEN_URL", value: "https://auth.example.com/token" },
            { name: "PASSWORD_FILE", value: "/run/secrets/db" },
            { name: "API_TOKEN", value: COMPUTED.string },
        ];
        assert.deepStrictEqual(await violations(noPlainSecretEnv, DEPLOYMENT, withEnv(env)), []);
        assert.deepStrictEqual(await violations(noPlainSecretEnv, JOB, withEnv(env, JOB)), []);
        assert.deepStrictEqual(
            await violations(
                noPlainSecretEnv,
                CRON_JOB,
                workload(CRON_JOB, podSpec([container("api", { env: COMPUTED.array })])),
            ),
            [],
        );
    });

    it("reads names by their words", () => {
        for (const name of [
            "DB_PASSWORD",
            "API_KEY",
            "GITHUB_TOKEN",
            "SECRET_KEY_BASE",
            "aws_secret_access_key",
            "STRIPE_APIKEY",
            "PWD",
        ])
            assert.ok(looksSecret(name), name);
        for (const name of [
            "PASSTHROUGH",
            "TOKENIZER_MODEL",
            "TOKEN_URL",
            "PASSWORD_FILE",
            "SECRET_NAME",
            "PORT",
            "KEYCLOAK_REALM",
        ])
            assert.ok(!looksSecret(name), name);
    });

    it("passes stevedore's own pod spec for an app with a secretEnv, and catches the same name given in env", async () => {
        const app = appSchema.parse({ name: "api", secretEnv: { DB_PASSWORD: "api:dbPassword" } });
        const spec = JSON.parse(
            JSON.stringify(
                appPodSpec({
                    app,
                    image: pinned("api"),
                    imagePullSecrets: [],
                    refs: { secretName: "api-secret-1a2b" },
                }),
            ),
        ) as Props;
        assert.deepStrictEqual(await violations(noPlainSecretEnv, DEPLOYMENT, workload(DEPLOYMENT, spec)), []);
        const plain = appSchema.parse({ name: "api", env: { DB_PASSWORD: "hunter2" } });
        const leaky = JSON.parse(
            JSON.stringify(appPodSpec({ app: plain, image: pinned("api"), imagePullSecrets: [] })),
        ) as Props;
        assert.strictEqual((await violations(noPlainSecretEnv, DEPLOYMENT, workload(DEPLOYMENT, leaky))).length, 1);
    });
});
