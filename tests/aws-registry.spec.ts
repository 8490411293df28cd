import * as assert from "assert";
import { ACCOUNT, awsMocks, eksExampleConfig, providerName } from "./harness/awsMocks";
import { podSpec } from "./harness/k8s";
import { isSecret, unsecret } from "./harness/mocks";
import { runProgram } from "./harness/program";
import { withConfig } from "./harness/stacks";

const eks = eksExampleConfig();
const mocks = awsMocks({ clusters: ["myCluster"] });
const REPO = "aws:ecr/repository:Repository";
const LIFECYCLE = "aws:ecr/lifecyclePolicy:LifecyclePolicy";
const ECR = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`;

interface LifecycleRule {
    rulePriority: number;
    description: string;
    selection: {
        tagStatus: string;
        tagPrefixList?: string[];
        countType: string;
        countUnit?: string;
        countNumber: number;
    };
    action: { type: string };
}

function registrySettings(edit: Record<string, unknown>) {
    return withConfig(eks, (c) => {
        const aws = c["stevedore:aws"] as Record<string, unknown>;
        aws.registry = edit;
    });
}

function rules(policy: unknown): LifecycleRule[] {
    return (JSON.parse(String(policy)) as { rules: LifecycleRule[] }).rules;
}

describe("eks target: ECR registry", () => {
    it("creates one scanned, immutable ECR repository per app through the registry's own us-east-1 provider", async () => {
        const run = await runProgram(eks, mocks);
        assert.deepStrictEqual(
            run.ofType(REPO).map((r) => r.name),
            ["registry-backend", "registry-frontend"],
        );
        for (const app of ["backend", "frontend"]) {
            const repo = run.get(REPO, `registry-${app}`);
            assert.strictEqual(repo.inputs.name, app);
            assert.deepStrictEqual(repo.inputs.imageScanningConfiguration, { scanOnPush: true });
            assert.strictEqual(repo.inputs.imageTagMutability, "IMMUTABLE");
            assert.strictEqual(repo.inputs.forceDelete, false);
            assert.strictEqual(providerName(repo.provider), "target-aws");
        }
        const provider = run.get("pulumi:providers:aws", "target-aws");
        assert.strictEqual(provider.inputs.region, "us-east-1");
        assert.strictEqual(provider.inputs.profile, undefined);
    });

    it("expires untagged images after 14 days and keeps the last 20 src- images by default", async () => {
        const run = await runProgram(eks, mocks);
        const lifecycle = run.get(LIFECYCLE, "registry-backend-lifecycle");
        assert.strictEqual(lifecycle.inputs.repository, "backend");
        assert.strictEqual(providerName(lifecycle.provider), "target-aws");
        assert.deepStrictEqual(
            rules(lifecycle.inputs.policy).map((r) => ({ ...r, description: undefined })),
            [
                {
                    rulePriority: 1,
                    description: undefined,
                    selection: {
                        tagStatus: "untagged",
                        countType: "sinceImagePushed",
                        countUnit: "days",
                        countNumber: 14,
                    },
                    action: { type: "expire" },
                },
                {
                    rulePriority: 2,
                    description: undefined,
                    selection: {
                        tagStatus: "tagged",
                        tagPrefixList: ["src-"],
                        countType: "imageCountMoreThan",
                        countNumber: 20,
                    },
                    action: { type: "expire" },
                },
            ],
        );
    });

    it("takes the expiry days, the count kept and forceDelete from config", async () => {
        const run = await runProgram(
            registrySettings({ untaggedExpiryDays: 3, keepLast: 5, forceDelete: true }),
            mocks,
        );
        const [untagged, tagged] = rules(run.get(LIFECYCLE, "registry-frontend-lifecycle").inputs.policy);
        assert.strictEqual(untagged.selection.countNumber, 3);
        assert.strictEqual(untagged.selection.countUnit, "days");
        assert.strictEqual(tagged.selection.countNumber, 5);
        assert.deepStrictEqual(tagged.selection.tagPrefixList, ["src-"]);
        assert.strictEqual(run.get(REPO, "registry-frontend").inputs.forceDelete, true);
    });

    it("pushes each image to <account>.dkr.ecr.<region>.amazonaws.com/<app> with ECR token credentials, kept secret", async () => {
        const fresh = awsMocks({ clusters: ["myCluster"] });
        const run = await runProgram(eks, fresh);
        assert.strictEqual(run.outputs.registry, ECR);
        const tokenCall = fresh.invokes("aws:ecr/getAuthorizationToken:getAuthorizationToken");
        assert.strictEqual(tokenCall.length, 1);
        for (const app of ["backend", "frontend"]) {
            const image = run.get("docker:index/image:Image", `${app}-image`);
            assert.match(
                String(image.inputs.imageName),
                new RegExp(`^${ECR.replace(/\./g, "\\.")}/${app}:src-[0-9a-f]{16}$`),
            );
            assert.ok(isSecret(image.inputs.registry), "push credentials must reach the provider as a secret");
            const registry = unsecret(image.inputs.registry) as Record<string, string>;
            assert.strictEqual(registry.server, ECR);
            assert.strictEqual(registry.username, "AWS");
            assert.match(registry.password, /^eyJwYXlsb2FkIjoi[0-9a-f]{48}$/);
        }
    });

    it("deploys each app by the digest its push returned, with no pull Secret", async () => {
        const digest = "7".repeat(64);
        const run = await runProgram(eks, { ...mocks, digests: { backend: digest } });
        const spec = podSpec(run.get("kubernetes:apps/v1:Deployment", "backend-deploy"));
        assert.strictEqual(spec.containers[0].image, `${ECR}/backend@sha256:${digest}`);
        assert.deepStrictEqual(
            spec.imagePullSecrets ?? [],
            [],
            "ECR tokens expire after 12 hours: pulls must go through IAM",
        );
        assert.deepStrictEqual(run.ofType("kubernetes:core/v1:Secret"), []);
    });

    it("puts repositories under a prefix when one is set", async () => {
        const run = await runProgram(registrySettings({ prefix: "team-a/dev" }), mocks);
        assert.strictEqual(run.get(REPO, "registry-backend").inputs.name, "team-a/dev/backend");
        assert.match(
            String(run.get("docker:index/image:Image", "backend-image").inputs.imageName),
            new RegExp(`^${ECR.replace(/\./g, "\\.")}/team-a/dev/backend:src-`),
        );
    });

    it("uses existing repositories, looked up by name through the provider, and creates none", async () => {
        const existing = awsMocks({ clusters: ["myCluster"], repositories: ["shop/backend", "shop/frontend"] });
        const run = await runProgram(registrySettings({ mode: "existing", prefix: "shop" }), existing);
        assert.deepStrictEqual(run.ofType(REPO), []);
        assert.deepStrictEqual(run.ofType(LIFECYCLE), []);
        const lookups = existing.invokes("aws:ecr/getRepository:getRepository");
        assert.deepStrictEqual(lookups.map((l) => l.inputs.name).sort(), ["shop/backend", "shop/frontend"]);
        assert.match(
            String(run.get("docker:index/image:Image", "frontend-image").inputs.imageName),
            new RegExp(`/shop/frontend:src-[0-9a-f]{16}$`),
        );
    });

    it("asks AWS for the partition and the registry endpoint instead of assuming them (China region)", async () => {
        const china = awsMocks({ region: "cn-north-1", partition: "aws-cn", clusters: ["myCluster"] });
        const config = withConfig(eks, (c) => ((c["stevedore:aws"] as Record<string, unknown>).region = "cn-north-1"));
        const run = await runProgram(config, china);
        assert.strictEqual(run.outputs.registry, `${ACCOUNT}.dkr.ecr.cn-north-1.amazonaws.com.cn`);
        assert.strictEqual(
            run.get("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "cluster-pull").inputs.policyArn,
            "arn:aws-cn:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
        );
        assert.strictEqual(run.get("pulumi:providers:aws", "target-aws").inputs.region, "cn-north-1");
    });
});
