import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ConfigError } from "../components/config/errors";
import { ACCEPTED_KEYS } from "../components/config/load";
import { configErrorOf, runFailing, runProgram } from "./harness/program";
import { stackConfig, withConfig } from "./harness/stacks";

const dev = stackConfig("dev");

/** Runs `config`, expects a config error, checks nothing was registered and returns the message. */
async function rejected(config: Record<string, unknown>, secretKeys: string[] = []): Promise<string> {
    return configErrorOf(await runFailing(config, {}, secretKeys));
}

function apps(config: Record<string, unknown>): Record<string, unknown>[] {
    return config["stevedore:apps"] as Record<string, unknown>[];
}

describe("stack config", () => {
    it("accepts the shipped dev stack", async () => {
        const run = await runProgram(dev);
        assert.strictEqual(run.ofType("kubernetes:apps/v1:Deployment").length, 2);
    });

    it("fills every default of an app entry that gives only its name", async () => {
        const run = await runProgram({ "stevedore:target": "local", "stevedore:apps": [{ name: "backend" }] });
        type Container = {
            ports: { containerPort: number }[];
            readinessProbe: { httpGet: { path: string } };
            resources: { requests: Record<string, string>; limits: Record<string, string> };
        };
        const deploy = run.get("kubernetes:apps/v1:Deployment", "backend-deploy");
        const spec = deploy.inputs.spec as {
            replicas: number;
            template: { spec: { securityContext: { runAsUser: number }; containers: Container[] } };
        };
        const container = spec.template.spec.containers[0];
        assert.strictEqual(spec.replicas, 2);
        assert.strictEqual(container.ports[0].containerPort, 8080);
        assert.strictEqual(container.readinessProbe.httpGet.path, "/healthz");
        assert.deepStrictEqual(container.resources, {
            requests: { cpu: "50m", memory: "64Mi" },
            limits: { cpu: "500m", memory: "256Mi" },
        });
        assert.strictEqual(spec.template.spec.securityContext.runAsUser, 10001);
        assert.strictEqual((deploy.inputs.metadata as { namespace: string }).namespace, "stevedore");
        const build = run.get("docker:index/image:Image", "backend-image").inputs.build as {
            context: string;
            dockerfile: string;
            platform: string;
        };
        assert.deepStrictEqual(
            [build.context, build.dockerfile, build.platform],
            ["apps/backend", "apps/backend/Dockerfile", "linux/amd64"],
        );
        assert.strictEqual(
            (run.get("kubernetes:core/v1:Service", "backend-svc").inputs.spec as { type: string }).type,
            "ClusterIP",
        );
        assert.strictEqual(run.ofType("kubernetes:networking.k8s.io/v1:Ingress").length, 0);
    });

    it("carries its message as its stack, so the engine has no call stack to format through source maps", () => {
        const error = new ConfigError(["stevedore:apps[0].replcas = 3: unknown key"]);
        assert.strictEqual(error.stack, `ConfigError: ${error.message}`);
        assert.doesNotMatch(String(error.stack), /\n\s+at /);
    });

    it("rejects a typo inside an app entry instead of deploying the default", async () => {
        const message = await rejected(withConfig(dev, (c) => (apps(c)[0].replcas = 3)));
        assert.match(
            message,
            /stevedore:apps\[0\]\.replcas = 3: unknown key; allowed keys here: name, context, .*replicas/,
        );
    });

    it("rejects an unknown target, listing the allowed ones", async () => {
        const message = await rejected(withConfig(dev, (c) => (c["stevedore:target"] = "heroku")));
        assert.match(message, /stevedore:target = "heroku": must be one of "local"/);
    });

    it("rejects a missing target and missing apps", async () => {
        const message = await rejected({ "stevedore:local": {} });
        assert.match(message, /stevedore:target = nothing \(the key is missing\)/);
        assert.match(message, /stevedore:apps = nothing \(the key is missing\): must be a list/);
    });

    it("rejects an unknown top-level key", async () => {
        const message = await rejected(withConfig(dev, (c) => (c["stevedore:namepsace"] = "x")));
        assert.match(message, /stevedore:namepsace: unknown key; allowed keys: .*stevedore:namespace/);
    });

    it("reports every bad value at once, each with key, value and what is allowed", async () => {
        const message = await rejected(
            withConfig(dev, (c) => {
                Object.assign(apps(c)[0], {
                    replicas: 0,
                    port: 70000,
                    expose: "public",
                    healthPath: "healthz",
                    rolloutTimeoutSeconds: 5,
                });
                Object.assign(apps(c)[1], { name: "Front_End", resources: { limits: { memory: "lots" } } });
            }),
        );
        assert.match(message, /stevedore:apps\[0\]\.replicas = 0: must be >= 1/);
        assert.match(message, /stevedore:apps\[0\]\.port = 70000: must be <= 65535/);
        assert.match(
            message,
            /stevedore:apps\[0\]\.expose = "public": must be one of "none", "loadBalancer", "ingress"/,
        );
        assert.match(message, /stevedore:apps\[0\]\.healthPath = "healthz": must start with '\/'/);
        assert.match(message, /stevedore:apps\[0\]\.rolloutTimeoutSeconds = 5: must be >= 30/);
        assert.match(message, /stevedore:apps\[1\]\.name = "Front_End": must be a DNS label/);
        assert.match(message, /stevedore:apps\[1\]\.resources\.limits\.memory = "lots": must be a Kubernetes quantity/);
    });

    it("rejects duplicate app names", async () => {
        const message = await rejected(withConfig(dev, (c) => (apps(c)[1].name = "backend")));
        assert.match(message, /stevedore:apps\[1\]\.name = "backend": is used by another app/);
    });

    it("rejects a wrongly typed value", async () => {
        const message = await rejected(withConfig(dev, (c) => (apps(c)[0].replicas = "2")));
        assert.match(message, /stevedore:apps\[0\]\.replicas = "2": must be a number/);
    });

    it("requires an ingress block with expose: ingress, and only then", async () => {
        let message = await rejected(withConfig(dev, (c) => (apps(c)[0].expose = "ingress")));
        assert.match(
            message,
            /stevedore:apps\[0\]\.ingress = nothing \(the key is missing\): is required when expose is "ingress"/,
        );
        message = await rejected(withConfig(dev, (c) => (apps(c)[0].ingress = { host: "api.example.com" })));
        assert.match(
            message,
            /stevedore:apps\[0\]\.expose = nothing \(the key is missing\): must be "ingress" when an ingress block is given/,
        );
    });

    it("rejects a build context that does not exist, naming the key", async () => {
        const message = await rejected(withConfig(dev, (c) => (apps(c)[0].context = "apps/nope")));
        assert.match(message, /stevedore:apps\[0\]\.context = "apps\/nope": must be a directory/);
    });

    it("rejects a Dockerfile that is not in the context", async () => {
        const message = await rejected(withConfig(dev, (c) => (apps(c)[0].dockerfile = "Dockerfile.prod")));
        assert.match(message, /stevedore:apps\[0\]\.dockerfile = "Dockerfile.prod": no such file in apps\/backend/);
    });

    it("checks the target's own settings block", async () => {
        const message = await rejected(
            withConfig(dev, (c) => (c["stevedore:local"] = { registry: { mode: "existing", port: 80 } })),
        );
        assert.match(message, /stevedore:local\.registry\.port = 80: must be >= 1024/);
        assert.match(
            message,
            /stevedore:local\.registry\.address = nothing \(the key is missing\): is required when mode is "existing"/,
        );
    });

    it("needs both registry username and password, and never echoes the password", async () => {
        const message = await rejected(
            withConfig(dev, (c) => (c["stevedore:registryPassword"] = "hunter2-secret")),
            ["registryPassword"],
        );
        assert.match(message, /stevedore:registryUsername \/ stevedore:registryPassword: give both or neither/);
        assert.doesNotMatch(message, /hunter2/);
    });
});

describe("project file defaults", () => {
    it("reads the empty defaults Pulumi.yaml declares for optional keys as not set", async () => {
        // The CLI hands the program every declared key, with "" or {} for optional ones left unset.
        const run = await runProgram({
            ...dev,
            "stevedore:renderDir": "",
            "stevedore:registryUsername": "",
            "stevedore:registryPassword": "",
            "stevedore:registry": {},
            "stevedore:cluster": {},
            "stevedore:azure": {},
        });
        assert.strictEqual(
            run.get("pulumi:providers:kubernetes", "cluster-k8s").inputs.renderYamlToDirectory,
            undefined,
        );
        assert.strictEqual(run.get("docker:index/image:Image", "backend-image").inputs.registry, undefined);
        assert.strictEqual(run.outputs.registry, "localhost:5001");
    });

    it("declares every stevedore key the config module accepts, each optional one with a default", () => {
        const project = parse(fs.readFileSync(path.join(__dirname, "..", "Pulumi.yaml"), "utf8")) as {
            config: Record<string, { default?: unknown }>;
        };
        const declared = Object.keys(project.config)
            .map((k) => k.replace(/^stevedore:/, ""))
            .sort();
        assert.deepStrictEqual(declared, [...ACCEPTED_KEYS].sort());
        for (const [key, decl] of Object.entries(project.config)) {
            if (key !== "stevedore:apps")
                assert.notStrictEqual(decl.default, undefined, `${key} needs a default, or every stack must set it`);
        }
    });
});
