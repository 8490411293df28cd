import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { parseRegistryAddress, RegistryAddress } from "../components/generic/address";
import { GenericRegistry } from "../components/generic/registry";
import { genericRegistrySchema } from "../components/generic/settings";
import { authKey, dockerConfigJson } from "../components/kube/pullSecret";
import { RecordingMocks } from "./harness/mocks";

function parsed(raw: string): RegistryAddress {
    const result = parseRegistryAddress(raw);
    if (!result.ok) throw new Error(`${raw}: ${result.problem}`);
    return result.address;
}

const resolve = <T>(output: pulumi.Output<T>): Promise<T> => new Promise((done) => output.apply(done));

describe("generic registry addresses and pull credentials", () => {
    it("splits addresses into server and namespace for Docker Hub, GHCR, Quay, Harbor and lab registries", () => {
        const cases: [string, Partial<RegistryAddress>][] = [
            ["docker.io/myuser", { server: "docker.io", namespace: "myuser", dockerHub: true }],
            ["registry-1.docker.io/my-org", { server: "docker.io", namespace: "my-org", dockerHub: true }],
            ["ghcr.io/my-org", { server: "ghcr.io", namespace: "my-org", dockerHub: false }],
            ["ghcr.io/my-org/platform", { server: "ghcr.io", namespace: "my-org/platform" }],
            ["quay.io/team", { server: "quay.io", namespace: "team" }],
            [
                "https://harbor.example.com/stevedore",
                { server: "harbor.example.com", namespace: "stevedore", scheme: "https" },
            ],
            ["http://192.168.1.50:5000", { server: "192.168.1.50:5000", namespace: "", scheme: "http" }],
            ["localhost:5000/dev", { server: "localhost:5000", namespace: "dev", scheme: undefined }],
            ["registry:5000", { server: "registry:5000", namespace: "" }],
        ];
        for (const [raw, expected] of cases) {
            const address = parsed(raw);
            for (const [field, value] of Object.entries(expected)) {
                assert.strictEqual(address[field as keyof RegistryAddress], value, `${raw}: ${field}`);
            }
        }
    });

    it("keys Docker Hub credentials by https://index.docker.io/v1/ and every other registry by its host[:port]", () => {
        for (const hub of ["docker.io", "index.docker.io", "registry-1.docker.io"])
            assert.strictEqual(authKey(hub), "https://index.docker.io/v1/");
        for (const host of ["ghcr.io", "quay.io", "harbor.example.com:8443", "registry.lab:5000"])
            assert.strictEqual(authKey(host), host);
        const doc = JSON.parse(dockerConfigJson({ server: "docker.io", username: "myuser", password: "p:ss" })) as {
            auths: Record<string, { auth: string }>;
        };
        assert.deepStrictEqual(Object.keys(doc.auths), ["https://index.docker.io/v1/"]);
        assert.strictEqual(
            Buffer.from(doc.auths["https://index.docker.io/v1/"].auth, "base64").toString(),
            "myuser:p:ss",
        );
    });

    it("defaults pull to secret with any credentials and to anonymous without", () => {
        const base = {
            projectDir: process.cwd(),
            inlineKubeconfig: false,
            apps: ["web"],
            targetRegistry: false,
            platforms: [],
        };
        const pullOf = (pushAuth: boolean, pullAuth: boolean) => {
            const result = genericRegistrySchema({ ...base, pushAuth, pullAuth }).safeParse({
                kind: "generic",
                address: "docker.io/me",
            });
            assert.ok(result.success);
            return result.data.pull;
        };
        assert.deepStrictEqual(
            [pullOf(false, false), pullOf(true, false), pullOf(false, true)],
            ["anonymous", "secret", "secret"],
        );
    });

    it("keeps push and pull credentials secret outputs inside the registry component", async () => {
        await pulumi.runtime.setMocks(new RecordingMocks(), "stevedore", "test", false);
        const settings = {
            kind: "generic" as const,
            address: "ghcr.io/my-org",
            insecure: false,
            pull: "secret" as const,
            server: "ghcr.io",
            namespace: "my-org",
            warnings: [],
        };
        const registry = new GenericRegistry(
            "registry",
            {
                apps: ["backend"],
                auth: { username: "me", password: pulumi.output("ghp_push") },
                pullAuth: { username: "bot", password: pulumi.output("ghp_read") },
            },
            settings,
        );
        assert.ok(
            registry.pushCredentials !== undefined && (await pulumi.isSecret(registry.pushCredentials)),
            "push credentials must be a secret output",
        );
        assert.strictEqual(registry.pullAccess.kind, "pullSecret");
        if (registry.pullAccess.kind === "pullSecret") {
            assert.ok(
                await pulumi.isSecret(registry.pullAccess.credentials),
                "pull credentials must be a secret output",
            );
            assert.deepStrictEqual(await resolve(registry.pullAccess.credentials), {
                server: "ghcr.io",
                username: "bot",
                password: "ghp_read",
            });
        }
        assert.strictEqual(await resolve(registry.repository("backend")), "ghcr.io/my-org/backend");
        assert.throws(
            () => registry.repository("worker"),
            /registry has no repository for app "worker"; known apps: backend/,
        );
        await pulumi.runtime.disconnect();
    });
});
