import * as assert from "assert";
import { compareSync } from "bcryptjs";
import { podSpec } from "./harness/k8s";
import { isSecret, unsecret } from "./harness/mocks";
import { runProgram } from "./harness/program";
import { stackConfig, withConfig } from "./harness/stacks";

const dev = stackConfig("dev");
const CONTAINER = "docker:index/container:Container";
const PROVIDER = "pulumi:providers:kubernetes";

describe("local target", () => {
    it("runs a registry container published on loopback only, on the kind network", async () => {
        const run = await runProgram(dev);
        const image = run.get("docker:index/remoteImage:RemoteImage", "registry-image");
        assert.strictEqual(image.inputs.name, "registry:2");
        assert.strictEqual(image.inputs.keepLocally, true);
        const container = run.get(CONTAINER, "registry-container").inputs;
        assert.strictEqual(container.name, "stevedore-registry");
        assert.deepStrictEqual(container.ports, [{ internal: 5000, external: 5001, ip: "127.0.0.1" }]);
        assert.deepStrictEqual(container.networksAdvanced, [{ name: "kind" }]);
        assert.strictEqual(
            container.image,
            run.get("docker:index/remoteImage:RemoteImage", "registry-image").state.imageId,
        );
        assert.strictEqual(run.outputs.registry, "localhost:5001");
    });

    it("pushes every image to that registry, after the container exists", async () => {
        const run = await runProgram(dev);
        for (const app of ["backend", "frontend"]) {
            const image = run.get("docker:index/image:Image", `${app}-image`);
            assert.match(String(image.inputs.imageName), new RegExp(`^localhost:5001/${app}:src-[0-9a-f]{16}$`));
            assert.ok(
                run.dependsOn.get(`${app}-image`)?.includes("registry-container"),
                `${app} image must wait for the registry container`,
            );
            assert.strictEqual(image.inputs.registry, undefined, "an anonymous local registry needs no credentials");
        }
    });

    it("uses an existing registry by address, with a namespace, and starts no container", async () => {
        const config = withConfig(
            dev,
            (c) => (c["stevedore:local"] = { registry: { mode: "existing", address: "127.0.0.1:5000/team" } }),
        );
        const run = await runProgram(config);
        assert.deepStrictEqual(run.ofType(CONTAINER), []);
        assert.match(
            String(run.get("docker:index/image:Image", "backend-image").inputs.imageName),
            /^127\.0\.0\.1:5000\/team\/backend:src-/,
        );
        assert.strictEqual(run.outputs.registry, "127.0.0.1:5000");
    });

    it("connects to the configured kubeconfig context, and every object uses that provider", async () => {
        const config = withConfig(
            dev,
            (c) => (c["stevedore:local"] = { context: "kind-stevedore", kubeconfig: "/home/dev/.kube/kind" }),
        );
        const run = await runProgram(config);
        const provider = run.get(PROVIDER, "cluster-k8s");
        assert.strictEqual(provider.inputs.context, "kind-stevedore");
        assert.strictEqual(provider.inputs.kubeconfig, "/home/dev/.kube/kind");
        assert.strictEqual(provider.inputs.renderYamlToDirectory, undefined);
        const k8sObjects = run.resources.filter((r) => r.type.startsWith("kubernetes:"));
        assert.ok(k8sObjects.length >= 7);
        for (const r of k8sObjects)
            assert.match(r.provider ?? "", /::cluster-k8s::/, `${r.type} ${r.name} must use the cluster's provider`);
    });

    it("renders manifests to a directory instead of applying them in render mode", async () => {
        const run = await runProgram(withConfig(dev, (c) => (c["stevedore:renderDir"] = "rendered/dev")));
        const provider = run.get(PROVIDER, "cluster-k8s");
        assert.strictEqual(provider.inputs.renderYamlToDirectory, "rendered/dev");
        assert.strictEqual(provider.inputs.context, undefined);
        assert.strictEqual(run.outputs.renderedTo, "rendered/dev");
    });

    it("has no renderedTo output outside render mode (the CLI warns on an undefined output)", async () => {
        const run = await runProgram(dev);
        assert.ok(!("renderedTo" in run.outputs), `outputs: ${Object.keys(run.outputs).join(", ")}`);
    });

    it("with registry credentials: pushes with them and gives the cluster a pull secret, all kept secret", async () => {
        const config = withConfig(dev, (c) => {
            c["stevedore:registryUsername"] = "ci";
            c["stevedore:registryPassword"] = "s3cret-pw";
        });
        const run = await runProgram(config, {}, ["registryPassword"]);
        const registry = unsecret(run.get("docker:index/image:Image", "backend-image").inputs.registry);
        assert.deepStrictEqual(registry, { server: "localhost:5001", username: "ci", password: "s3cret-pw" });

        const secret = run.get("kubernetes:core/v1:Secret", "cluster-pull");
        assert.strictEqual(secret.inputs.type, "kubernetes.io/dockerconfigjson");
        assert.ok(isSecret(secret.inputs.stringData));
        const doc = JSON.parse((unsecret(secret.inputs.stringData) as Record<string, string>)[".dockerconfigjson"]) as {
            auths: Record<string, { auth: string }>;
        };
        assert.strictEqual(Buffer.from(doc.auths["localhost:5001"].auth, "base64").toString(), "ci:s3cret-pw");
        for (const app of ["backend", "frontend"]) {
            assert.deepStrictEqual(
                podSpec(run.get("kubernetes:apps/v1:Deployment", `${app}-deploy`)).imagePullSecrets,
                [{ name: "stevedore-pull" }],
            );
            assert.ok(
                run.dependsOn.get(`${app}-deploy`)?.includes("cluster-pull"),
                `${app} must wait for its pull secret`,
            );
        }
    });

    it("with registry credentials: the registry container itself requires them (htpasswd, stable across runs)", async () => {
        const config = withConfig(dev, (c) => {
            c["stevedore:registryUsername"] = "ci";
            c["stevedore:registryPassword"] = "s3cret-pw";
        });
        const htpasswd = async () => {
            const container = (await runProgram(config, {}, ["registryPassword"])).get(
                CONTAINER,
                "registry-container",
            ).inputs;
            assert.deepStrictEqual(container.envs, [
                "REGISTRY_AUTH=htpasswd",
                "REGISTRY_AUTH_HTPASSWD_REALM=stevedore",
                "REGISTRY_AUTH_HTPASSWD_PATH=/auth/htpasswd",
            ]);
            // The upload list reaches the provider as a secret because its content is one.
            const [upload] = unsecret(container.uploads) as { file: string; content: string }[];
            assert.strictEqual(upload.file, "/auth/htpasswd");
            return upload.content;
        };
        const line = await htpasswd();
        const [user, hash] = line.trim().split(":");
        assert.strictEqual(user, "ci");
        assert.match(hash, /^\$2b\$10\$/);
        assert.ok(compareSync("s3cret-pw", hash), "the hash must verify the configured password");
        assert.ok(!compareSync("other", hash));
        // A new salt on every run would replace the registry container on every `pulumi up`.
        assert.strictEqual(await htpasswd(), line);
    });

    it("without credentials: no pull secret and no imagePullSecrets", async () => {
        const run = await runProgram(dev);
        assert.deepStrictEqual(run.ofType("kubernetes:core/v1:Secret"), []);
        assert.strictEqual(run.get(CONTAINER, "registry-container").inputs.uploads, undefined);
        for (const d of run.ofType("kubernetes:apps/v1:Deployment"))
            assert.strictEqual(podSpec(d).imagePullSecrets, undefined);
    });
});
