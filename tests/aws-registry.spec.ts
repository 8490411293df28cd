import * as assert from "assert";
import { ACCOUNT, awsMocks, eksExampleConfig, providerName } from "./harness/awsMocks";
import { podSpec } from "./harness/k8s";
import { isSecret, unsecret } from "./harness/mocks";
import { BUILD_CACHE_TAG } from "../components/image/buildRequest";
import { PROMOTED_TAG_PREFIX } from "../components/image/copy";
import { evaluateLifecycle } from "./harness/ecrLifecycle";
import { MockEcrTags } from "./harness/ecrPush";
import { runFailing, runProgram } from "./harness/program";
import { withWarnings } from "./harness/warnings";
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
        tagPatternList?: string[];
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
    it("creates one scanned ECR repository, immutable but for src- tags, per app through the registry's own us-east-1 provider", async () => {
        const run = await runProgram(eks, mocks);
        assert.deepStrictEqual(
            run.ofType(REPO).map((r) => r.name),
            ["registry-backend", "registry-frontend"],
        );
        for (const app of ["backend", "frontend"]) {
            const repo = run.get(REPO, `registry-${app}`);
            assert.strictEqual(repo.inputs.name, app);
            assert.deepStrictEqual(repo.inputs.imageScanningConfiguration, { scanOnPush: true });
            assert.strictEqual(repo.inputs.imageTagMutability, "IMMUTABLE_WITH_EXCLUSION");
            assert.deepStrictEqual(repo.inputs.imageTagMutabilityExclusionFilters, [
                { filter: "src-*", filterType: "WILDCARD" },
                { filter: `${PROMOTED_TAG_PREFIX}*`, filterType: "WILDCARD" },
                // The registry cache of buildx builds is rewritten on every build.
                { filter: BUILD_CACHE_TAG, filterType: "WILDCARD" },
            ]);
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

    describe("a release tag added by hand to a src- image (ECR selects an image when any of its tags matches)", () => {
        // 25 pushes, newest last; the oldest one was also tagged v1.0.0 by hand.
        const images = Array.from({ length: 25 }, (_, i) => ({
            digest: `sha256:${String(i).padStart(64, "0")}`,
            tags: i === 0 ? ["src-0000000000000000", "v1.0.0"] : [`src-${String(i).padStart(16, "0")}`],
            pushedAt: i,
        }));
        const policyOf = async (registry: Record<string, unknown>) =>
            String(
                (await runProgram(registrySettings(registry), mocks)).get(LIFECYCLE, "registry-backend-lifecycle")
                    .inputs.policy,
            );

        it("is expired by the keep-last rule alone", async () => {
            const expired = evaluateLifecycle(await policyOf({}), images);
            assert.strictEqual(expired.length, 5);
            assert.ok(expired.includes(images[0].digest), "the v1.0.0 image counts as one of stevedore's src- images");
        });

        it("is kept when registry.keepTags names its pattern; the src- window stays 20 images", async () => {
            const policy = await policyOf({ keepTags: ["v*"] });
            const expired = evaluateLifecycle(policy, images);
            assert.ok(!expired.includes(images[0].digest));
            assert.deepStrictEqual(
                expired,
                images.slice(1, 5).map((i) => i.digest),
            );
            assert.deepStrictEqual(rules(policy)[0].selection, {
                tagStatus: "tagged",
                tagPatternList: ["v*"],
                countType: "imageCountMoreThan",
                countNumber: 9999,
            });
        });
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

    describe("a re-push of an unchanged src- tag (ECR refuses any push to an existing immutable tag)", () => {
        const existing = { clusters: ["myCluster"], repositories: ["backend", "frontend"] };
        const pushedBy = async (config = eks) => {
            const first = await runProgram(config, awsMocks(existing));
            return Object.fromEntries(
                ["backend", "frontend"].map((app) => {
                    const imageName = String(first.get("docker:index/image:Image", `${app}-image`).inputs.imageName);
                    return [app, [imageName.split(":").pop() ?? ""]];
                }),
            );
        };

        it("succeeds on the repositories stevedore creates: the same src- tag is pushed again", async () => {
            const pushedTags = await pushedBy();
            const again = await runProgram(eks, awsMocks({ clusters: ["myCluster"], pushedTags }));
            assert.match(
                String(again.get("docker:index/image:Image", "backend-image").inputs.imageName),
                new RegExp(`:${pushedTags.backend[0]}$`),
            );
        });

        it("keeps every other tag immutable, so a hand-made release tag cannot be moved", () => {
            const ecr = new MockEcrTags({ backend: ["v1.2.0", "src-0123456789abcdef"] });
            ecr.repository("backend", "IMMUTABLE_WITH_EXCLUSION", [{ filter: "src-*", filterType: "WILDCARD" }]);
            assert.throws(() => ecr.push(`${ECR}/backend:v1.2.0`), /ImageTagAlreadyExistsException/);
            assert.doesNotThrow(() => ecr.push(`${ECR}/backend:src-0123456789abcdef`));
        });

        it("the mock ECR refuses it on a plain IMMUTABLE repository, as the real one does", async () => {
            const pushedTags = await pushedBy(registrySettings({ mode: "existing" }));
            const failed = await runFailing(
                registrySettings({ mode: "existing" }),
                awsMocks({ ...existing, pushedTags }),
            );
            assert.match(failed.error.message, /ImageTagAlreadyExistsException: The image tag 'src-[0-9a-f]{16}'/);
        });

        it("warns about an existing repository whose src- tags are immutable, with the command that fixes it", async () => {
            const immutable = await withWarnings(() =>
                runProgram(
                    registrySettings({ mode: "existing" }),
                    awsMocks({ clusters: ["myCluster"], repositories: ["backend", "frontend"] }),
                ),
            );
            const warning = immutable.warnings.find((w) => w.startsWith("ECR repository backend has IMMUTABLE tags"));
            assert.ok(warning, immutable.warnings.join("\n"));
            assert.match(
                warning,
                /put-image-tag-mutability --repository-name backend --image-tag-mutability IMMUTABLE_WITH_EXCLUSION/,
            );
            const excluded = await withWarnings(() =>
                runProgram(
                    registrySettings({ mode: "existing" }),
                    awsMocks({
                        clusters: ["myCluster"],
                        repositories: ["backend", "frontend"],
                        existingMutability: { mode: "IMMUTABLE_WITH_EXCLUSION", filters: ["src-*"] },
                    }),
                ),
            );
            assert.deepStrictEqual(
                excluded.warnings.filter((w) => w.startsWith("ECR repository")),
                [],
            );
        });
    });
});
