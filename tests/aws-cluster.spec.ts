import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ACCOUNT, awsMocks, caData, eksEndpoint, eksExampleConfig, providerName } from "./harness/awsMocks";
import { isSecret, unsecret } from "./harness/mocks";
import { runProgram } from "./harness/program";
import { withConfig } from "./harness/stacks";

const eks = eksExampleConfig();
const mocks = awsMocks({ clusters: ["myCluster"] });
const ATTACH = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const ECR_READ = "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly";

interface Kubeconfig {
    clusters: { name: string; cluster: { server: string; "certificate-authority-data": string } }[];
    "current-context": string;
    users: {
        name: string;
        user: {
            exec: {
                apiVersion: string;
                command: string;
                args: string[];
                env: { name: string; value: string }[] | null;
            };
        };
    }[];
}

function clusterSettings(cluster: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    return withConfig(eks, (c) => {
        const aws = c["stevedore:aws"] as Record<string, unknown>;
        aws.cluster = cluster;
        Object.assign(aws, extra);
    });
}

/** The kubeconfig the Kubernetes provider received, checked to be a secret and decoded. */
function kubeconfigOf(run: Awaited<ReturnType<typeof runProgram>>): Kubeconfig {
    const input = run.get("pulumi:providers:kubernetes", "cluster-k8s").inputs.kubeconfig;
    assert.ok(isSecret(input), "the kubeconfig must reach the provider as a secret");
    return JSON.parse(String(unsecret(input))) as Kubeconfig;
}

describe("eks target: attach to an existing cluster", () => {
    it("leaves the ECR read policy attached to an existing node role on destroy", async () => {
        const run = await runProgram(eks, mocks);
        const pull = run.get(ATTACH, "cluster-pull");
        assert.strictEqual(pull.inputs.role, "myCluster-node-role");
        assert.strictEqual(pull.inputs.policyArn, ECR_READ);
        // The engine deletes (here: detaches) every resource of the stack on destroy, except those it retains.
        const detachedOnDestroy = run.ofType(ATTACH).filter((a) => !run.retainOnDelete.has(a.name));
        assert.deepStrictEqual(
            detachedOnDestroy.map((a) => a.name),
            [],
            "the role may have had the policy before stevedore, and other workloads and stacks pull through it",
        );
    });

    it("builds a kubeconfig from the cluster lookup whose user runs `aws eks get-token`", async () => {
        const run = await runProgram(eks, mocks);
        const config = kubeconfigOf(run);
        assert.deepStrictEqual(config.clusters, [
            {
                name: "eks-myCluster",
                cluster: {
                    server: eksEndpoint("myCluster", "us-east-1"),
                    "certificate-authority-data": caData("myCluster"),
                },
            },
        ]);
        assert.strictEqual(config["current-context"], "eks-myCluster");
        const exec = config.users[0].user.exec;
        assert.strictEqual(exec.apiVersion, "client.authentication.k8s.io/v1beta1");
        assert.strictEqual(exec.command, "aws");
        assert.deepStrictEqual(exec.args, ["eks", "get-token", "--cluster-name", "myCluster", "--region", "us-east-1"]);
        assert.strictEqual(exec.env, null);
        assert.strictEqual(run.get("pulumi:providers:aws", "target-aws").inputs.region, "us-east-1");
    });

    it("runs get-token (and the AWS provider) with the configured profile, and assumes the auth role", async () => {
        const roleArn = `arn:aws:iam::${ACCOUNT}:role/eks-deployer`;
        const config = clusterSettings(
            { name: "myCluster", nodeRoleName: "myCluster-node-role", authRoleArn: roleArn },
            { profile: "platform-sso" },
        );
        const run = await runProgram(config, mocks);
        const exec = kubeconfigOf(run).users[0].user.exec;
        assert.deepStrictEqual(exec.args, [
            "eks",
            "get-token",
            "--cluster-name",
            "myCluster",
            "--region",
            "us-east-1",
            "--role-arn",
            roleArn,
        ]);
        assert.deepStrictEqual(exec.env, [{ name: "AWS_PROFILE", value: "platform-sso" }]);
        // One provider for the target, made by its setup and shared by registry and cluster.
        assert.deepStrictEqual(
            run.ofType("pulumi:providers:aws").map((p) => p.name),
            ["target-aws"],
        );
        assert.strictEqual(run.get("pulumi:providers:aws", "target-aws").inputs.profile, "platform-sso");
    });

    it("attaches the ECR read policy to the given node role, and Deployments wait for it", async () => {
        const run = await runProgram(eks, mocks);
        const attachments = run.ofType(ATTACH);
        assert.deepStrictEqual(
            attachments.map((a) => a.name),
            ["cluster-pull"],
        );
        assert.strictEqual(attachments[0].inputs.role, "myCluster-node-role");
        assert.strictEqual(attachments[0].inputs.policyArn, ECR_READ);
        assert.strictEqual(providerName(attachments[0].provider), "target-aws");
        for (const app of ["backend", "frontend"]) {
            assert.ok(
                run.dependsOn.get(`${app}-deploy`)?.includes("cluster-pull"),
                `${app} Deployment must wait for the pull grant`,
            );
        }
    });

    it("without a node role: grants nothing and warns with the exact policy to attach", async () => {
        const warnings: string[] = [];
        const log = pulumi.log as { warn: (message: string) => Promise<void> };
        const original = log.warn;
        log.warn = (message) => {
            warnings.push(message);
            return Promise.resolve();
        };
        try {
            const run = await runProgram(clusterSettings({ name: "myCluster" }), mocks);
            assert.deepStrictEqual(run.ofType(ATTACH), []);
            assert.deepStrictEqual(
                run.dependsOn.get("backend-deploy")?.filter((d) => d.startsWith("cluster")),
                [],
            );
        } finally {
            log.warn = original;
        }
        assert.strictEqual(warnings.length, 1);
        assert.match(warnings[0], /^EKS cluster myCluster: /);
        assert.ok(
            warnings[0].includes(`aws iam attach-role-policy --role-name <node-role> --policy-arn ${ECR_READ}`),
            warnings[0],
        );
        assert.ok(warnings[0].includes("stevedore:aws.cluster.nodeRoleName"), warnings[0]);
        assert.ok(warnings[0].endsWith("pods pulling from ECR fail with ImagePullBackOff."), warnings[0]);
    });

    it("renders manifests without looking the cluster up in render mode", async () => {
        const fresh = awsMocks({ clusters: [] });
        const run = await runProgram(
            withConfig(eks, (c) => (c["stevedore:renderDir"] = "rendered/eks")),
            fresh,
        );
        assert.deepStrictEqual(fresh.invokes("aws:eks/getCluster:getCluster"), []);
        const provider = run.get("pulumi:providers:kubernetes", "cluster-k8s");
        assert.strictEqual(provider.inputs.renderYamlToDirectory, "rendered/eks");
        assert.strictEqual(provider.inputs.kubeconfig, undefined);
    });
});
