import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { podSpec } from "./harness/k8s";
import { isSecret, unsecret } from "./harness/mocks";
import { ProgramRun, runProgram } from "./harness/program";
import { stackConfig, withConfig } from "./harness/stacks";

const dev = stackConfig("dev");
const SECRET = "kubernetes:core/v1:Secret";
const IMAGE = "docker:index/image:Image";
const CONTAINER = "docker:index/container:Container";
const DOCKER_HUB_KEY = "https://index.docker.io/v1/";

interface DockerConfig {
    auths: Record<string, { username: string; password: string; auth: string }>;
}

/** The dev stack (local cluster) with `stevedore:registry` replaced and the given extra keys. */
function withRegistry(registry: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    return withConfig(dev, (c) => Object.assign(c, { "stevedore:registry": { kind: "generic", ...registry } }, extra));
}

const PUSH = { "stevedore:registryUsername": "myuser", "stevedore:registryPassword": "dckr_pat_push" };
const PULL = { "stevedore:pullUsername": "myuser", "stevedore:pullPassword": "dckr_pat_readonly" };
const SECRET_KEYS = ["registryPassword", "pullPassword"];

/** The decoded `.dockerconfigjson` of the pull Secret, which must have reached the provider as a secret. */
function dockerConfig(run: ProgramRun): DockerConfig {
    const secret = run.get(SECRET, "cluster-pull");
    // The SDK marks the whole stringData map secret; a plain value here would sit readable in the state.
    assert.ok(isSecret(secret.inputs.stringData), "stringData must be a secret in state");
    const data = unsecret(secret.inputs.stringData) as Record<string, unknown>;
    return JSON.parse(String(data[".dockerconfigjson"])) as DockerConfig;
}

const decode = (auth: string): string => Buffer.from(auth, "base64").toString("utf8");

/** Every string in `value` that is not inside a secret, i.e. what the state would hold readable. */
function plainStrings(value: unknown): string[] {
    if (isSecret(value)) return [];
    if (typeof value === "string") return [value];
    if (value !== null && typeof value === "object") return Object.values(value).flatMap(plainStrings);
    return [];
}

/** Push credentials of an app's image, which must reach the docker provider as a secret. */
function pushAuth(run: ProgramRun, app: string): Record<string, string> {
    const registry = run.get(IMAGE, `${app}-image`).inputs.registry;
    assert.ok(isSecret(registry), "push credentials must reach the provider as a secret");
    return unsecret(registry) as Record<string, string>;
}

describe("generic registry", () => {
    it("pushes to Docker Hub as docker.io/<user>/<app>, with the push token kept secret, and runs no local registry", async () => {
        const run = await runProgram(withRegistry({ address: "docker.io/myuser" }, PUSH), {}, SECRET_KEYS);
        assert.deepStrictEqual(run.ofType(CONTAINER), [], "the local target's registry container must be replaced");
        for (const app of ["backend", "frontend"]) {
            assert.match(
                String(run.get(IMAGE, `${app}-image`).inputs.imageName),
                new RegExp(`^docker\\.io/myuser/${app}:src-[0-9a-f]{16}$`),
            );
            const auth = pushAuth(run, app);
            assert.strictEqual(auth.server, "docker.io");
            assert.strictEqual(auth.username, "myuser");
            assert.strictEqual(auth.password, "dckr_pat_push");
        }
        assert.strictEqual(run.outputs.registry, "docker.io");
        const images = run.outputs.apps as Record<string, { image: string }>;
        assert.match(images.backend.image, /^docker\.io\/myuser\/backend@sha256:[0-9a-f]{64}$/);
        assert.doesNotMatch(JSON.stringify(run.outputs), /dckr_pat/, "no credential may appear in the stack outputs");
    });

    it("builds a Docker Hub pull Secret keyed https://index.docker.io/v1/ from the push credentials by default", async () => {
        const run = await runProgram(withRegistry({ address: "docker.io/myuser" }, PUSH), {}, SECRET_KEYS);
        const secret = run.get(SECRET, "cluster-pull").inputs as {
            type: string;
            metadata: { name: string; namespace: string };
        };
        assert.strictEqual(secret.type, "kubernetes.io/dockerconfigjson");
        assert.deepStrictEqual([secret.metadata.name, secret.metadata.namespace], ["stevedore-pull", "stevedore"]);
        const config = dockerConfig(run);
        assert.deepStrictEqual(Object.keys(config.auths), [DOCKER_HUB_KEY]);
        const entry = config.auths[DOCKER_HUB_KEY];
        assert.deepStrictEqual(
            [entry.username, entry.password, decode(entry.auth)],
            ["myuser", "dckr_pat_push", "myuser:dckr_pat_push"],
        );
        for (const app of ["backend", "frontend"]) {
            assert.deepStrictEqual(
                podSpec(run.get("kubernetes:apps/v1:Deployment", `${app}-deploy`)).imagePullSecrets,
                [{ name: "stevedore-pull" }],
            );
            assert.ok(
                run.dependsOn.get(`${app}-deploy`)?.includes("cluster-pull"),
                `${app} must wait for the pull Secret`,
            );
        }
    });

    it("render mode names the pull Secret in each Deployment but renders none, so no manifest holds the registry password", async () => {
        const run = await runProgram(
            withRegistry({ address: "docker.io/myuser" }, { ...PUSH, "stevedore:renderDir": "rendered/dev" }),
            {},
            SECRET_KEYS,
        );
        assert.deepStrictEqual(run.ofType(SECRET), [], "a rendered Secret would be written to disk in plain text");
        const manifests = run.resources.filter((r) => r.type.startsWith("kubernetes:"));
        assert.ok(manifests.length > 0, "the apps are rendered");
        assert.deepStrictEqual(
            manifests.filter((r) => JSON.stringify(r.inputs).includes("dckr_pat")).map((r) => r.name),
            [],
        );
        for (const app of ["backend", "frontend"]) {
            assert.deepStrictEqual(
                podSpec(run.get("kubernetes:apps/v1:Deployment", `${app}-deploy`)).imagePullSecrets,
                [{ name: "stevedore-pull" }],
            );
        }
        // The push still carries its credentials: images are built and pushed in render mode too.
        assert.strictEqual(pushAuth(run, "backend").password, "dckr_pat_push");
    });

    it("uses separate read-only pull credentials for the Secret and keeps the push token for pushes only", async () => {
        const run = await runProgram(
            withRegistry({ address: "docker.io/myuser", pull: "secret" }, { ...PUSH, ...PULL }),
            {},
            SECRET_KEYS,
        );
        const entry = dockerConfig(run).auths[DOCKER_HUB_KEY];
        assert.strictEqual(decode(entry.auth), "myuser:dckr_pat_readonly");
        assert.strictEqual(entry.password, "dckr_pat_readonly");
        assert.strictEqual(pushAuth(run, "backend").password, "dckr_pat_push");
        const leaks = run.resources.flatMap((r) =>
            plainStrings(r.inputs)
                .filter((v) => v.includes("dckr_pat"))
                .map(() => `${r.type} ${r.name}`),
        );
        assert.deepStrictEqual(leaks, [], "no resource may hold a token in plain text");
    });

    it("pulls anonymously when asked: no Secret and no imagePullSecrets, while pushes still authenticate", async () => {
        const run = await runProgram(
            withRegistry({ address: "docker.io/myuser", pull: "anonymous" }, PUSH),
            {},
            SECRET_KEYS,
        );
        assert.deepStrictEqual(run.ofType(SECRET), []);
        for (const app of ["backend", "frontend"]) {
            assert.strictEqual(
                podSpec(run.get("kubernetes:apps/v1:Deployment", `${app}-deploy`)).imagePullSecrets,
                undefined,
            );
        }
        assert.strictEqual(pushAuth(run, "backend").password, "dckr_pat_push");
    });

    it("defaults to anonymous pulls and the machine's docker login when no credentials are set", async () => {
        const run = await runProgram(withRegistry({ address: "docker.io/myuser" }));
        assert.deepStrictEqual(run.ofType(SECRET), []);
        assert.strictEqual(run.get(IMAGE, "backend-image").inputs.registry, undefined);
        assert.strictEqual(
            podSpec(run.get("kubernetes:apps/v1:Deployment", "backend-deploy")).imagePullSecrets,
            undefined,
        );
    });

    it("treats index.docker.io as Docker Hub: repositories and pushes use docker.io", async () => {
        const run = await runProgram(withRegistry({ address: "index.docker.io/myorg" }, PUSH), {}, SECRET_KEYS);
        assert.match(String(run.get(IMAGE, "backend-image").inputs.imageName), /^docker\.io\/myorg\/backend:src-/);
        assert.deepStrictEqual(Object.keys(dockerConfig(run).auths), [DOCKER_HUB_KEY]);
    });

    it("pushes to GHCR under the owner, with a pull Secret for ghcr.io", async () => {
        const config = withRegistry(
            { address: "ghcr.io/my-org" },
            { ...PUSH, "stevedore:pullUsername": "bot", "stevedore:pullPassword": "ghp_readpackages" },
        );
        const run = await runProgram(config, {}, SECRET_KEYS);
        assert.match(String(run.get(IMAGE, "frontend-image").inputs.imageName), /^ghcr\.io\/my-org\/frontend:src-/);
        const docker = dockerConfig(run);
        assert.deepStrictEqual(Object.keys(docker.auths), ["ghcr.io"]);
        assert.strictEqual(decode(docker.auths["ghcr.io"].auth), "bot:ghp_readpackages");
        assert.strictEqual(pushAuth(run, "frontend").server, "ghcr.io");
        assert.strictEqual(run.outputs.registry, "ghcr.io");
    });

    it("pushes to a Harbor project on a custom port, keyed by host:port", async () => {
        const run = await runProgram(
            withRegistry({ address: "https://harbor.example.com:8443/stevedore" }, PUSH),
            {},
            SECRET_KEYS,
        );
        assert.match(
            String(run.get(IMAGE, "backend-image").inputs.imageName),
            /^harbor\.example\.com:8443\/stevedore\/backend:src-/,
        );
        assert.deepStrictEqual(Object.keys(dockerConfig(run).auths), ["harbor.example.com:8443"]);
        assert.strictEqual(run.outputs.registry, "harbor.example.com:8443");
    });

    it("uses a plain-HTTP lab registry only with insecure: true, without the scheme in image names", async () => {
        const run = await runProgram(withRegistry({ address: "http://registry.lab:5000", insecure: true }));
        assert.match(String(run.get(IMAGE, "backend-image").inputs.imageName), /^registry\.lab:5000\/backend:src-/);
        assert.strictEqual(run.outputs.registry, "registry.lab:5000");
        assert.deepStrictEqual(run.ofType(SECRET), []);
    });
});

describe("generic registry warnings (legal config, likely mistake)", () => {
    /** Runs the program and returns what it warned, by capturing pulumi.log.warn. */
    async function warnings(registry: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<string[]> {
        const seen: string[] = [];
        const original = pulumi.log.warn;
        pulumi.log.warn = (message: string) => {
            seen.push(message);
            return Promise.resolve();
        };
        try {
            await runProgram(withRegistry(registry, extra), {}, SECRET_KEYS);
        } finally {
            pulumi.log.warn = original;
        }
        return seen;
    }

    it("warns, naming the keys and docker login, when Docker Hub has no push credentials and pulls are anonymous", async () => {
        const seen = await warnings({ address: "docker.io/myuser" });
        assert.strictEqual(seen.length, 2, seen.join("\n"));
        assert.match(
            seen[0],
            /stevedore:registry\.address = "docker\.io\/myuser": Docker Hub requires authentication to push, and stevedore:registryUsername \/ stevedore:registryPassword are not set; pushes will use this machine's `docker login docker\.io`/,
        );
        assert.match(
            seen[1],
            /stevedore:registry\.pull = "anonymous" from Docker Hub: only public repositories .* ImagePullBackOff; .* stevedore:pullUsername \/ stevedore:pullPassword/,
        );
    });

    it("warns about anonymous pulls from GHCR even with push credentials", async () => {
        const seen = await warnings({ address: "ghcr.io/my-org", pull: "anonymous" }, PUSH);
        assert.deepStrictEqual(
            seen.map((w) => w.split(":")[0] + ":" + w.split(":")[1].split(" ")[0]),
            ["stevedore:registry.pull"],
        );
    });

    it("stays quiet for credentials with a pull Secret, and for a self-hosted registry", async () => {
        assert.deepStrictEqual(await warnings({ address: "quay.io/team" }, { ...PUSH, ...PULL }), []);
        assert.deepStrictEqual(await warnings({ address: "harbor.example.com/project" }), []);
    });
});
