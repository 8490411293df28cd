import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { IamPullOf, Registry, RegistryArgs, RegistryCredentials } from "../contracts";
import { lifecyclePolicy, STEVEDORE_TAG_PREFIX } from "./lifecyclePolicy";
import { managedPolicyArn, partitionOf } from "./provider";
import { ecrRepositoryName } from "./settings";
import { AwsTarget } from "./setup";
import { MUTABLE_TAG_FILTERS, RepositoryMutability, TAG_MUTABILITY, tagIsMutable } from "./tagMutability";
import { secretCredentials } from "../registry/credentials";
import { unknownApp } from "../registry/unknownApp";

/** AWS-managed policy that lets a node identity pull from every ECR repository of its account. */
export const ECR_READ_POLICY = "AmazonEC2ContainerRegistryReadOnly";

/** An existing repository whose src- tags are immutable fails every re-push of unchanged sources: say so, and how to fix it. */
function warnIfSrcTagsImmutable(repo: RepositoryMutability & { name: string }, parent: pulumi.Resource): void {
    if (tagIsMutable(repo, `${STEVEDORE_TAG_PREFIX}0`)) return;
    void pulumi.log.warn(
        `ECR repository ${repo.name} has ${repo.imageTagMutability} tags, so a re-push of an unchanged src- tag fails with ImageTagAlreadyExistsException. ` +
            `Exclude stevedore's tags: aws ecr put-image-tag-mutability --repository-name ${repo.name} --image-tag-mutability IMMUTABLE_WITH_EXCLUSION ` +
            `--image-tag-mutability-exclusion-filters filterType=WILDCARD,filter='${STEVEDORE_TAG_PREFIX}*'`,
        parent,
    );
}

/**
 * Amazon ECR as stevedore's registry: one repository per app (scanned on push, tags
 * immutable except stevedore's src- tags, old images expired) or existing repositories looked up by name. Pushes use a short-lived token
 * from the ECR authorization-token call; nodes pull through their IAM role, never a pull Secret,
 * because that token expires after 12 hours.
 */
export class EcrRegistry extends pulumi.ComponentResource implements Registry {
    public readonly server: pulumi.Output<string>;
    public readonly pushCredentials: pulumi.Output<RegistryCredentials>;
    public readonly pullAccess: IamPullOf<"aws">;
    public readonly plainHttp = false;
    /** Repository URL (`<account>.dkr.ecr.<region>.amazonaws.com/<name>`) of each app. */
    public readonly repositoryUrls: pulumi.Output<Record<string, string>>;
    private readonly urls = new Map<string, pulumi.Output<string>>();

    constructor(name: string, args: RegistryArgs, target: AwsTarget, opts?: pulumi.ComponentResourceOptions) {
        super("stevedore:aws:Registry", name, {}, opts);
        const { provider } = target;
        const cfg = target.settings.registry;
        const arns: pulumi.Output<string>[] = [];

        for (const app of args.apps) {
            const repositoryName = ecrRepositoryName(cfg.prefix, app);
            if (cfg.mode === "create") {
                const repo = new aws.ecr.Repository(
                    `${name}-${app}`,
                    {
                        name: repositoryName,
                        imageScanningConfiguration: { scanOnPush: true },
                        // Immutable except stevedore's src- tags, which a re-push of the same sources must be able to overwrite.
                        imageTagMutability: TAG_MUTABILITY,
                        imageTagMutabilityExclusionFilters: MUTABLE_TAG_FILTERS,
                        forceDelete: cfg.forceDelete,
                        tags: { "managed-by": "stevedore", "stevedore-app": app },
                    },
                    { parent: this, provider },
                );
                new aws.ecr.LifecyclePolicy(
                    `${name}-${app}-lifecycle`,
                    { repository: repo.name, policy: lifecyclePolicy(cfg) },
                    { parent: this, provider },
                );
                this.urls.set(app, repo.repositoryUrl);
                arns.push(repo.arn);
            } else {
                const found = aws.ecr.getRepositoryOutput({ name: repositoryName }, { parent: this, provider });
                found.apply((repo) => warnIfSrcTagsImmutable(repo, this));
                this.urls.set(app, found.repositoryUrl);
                arns.push(found.arn);
            }
        }

        const token = aws.ecr.getAuthorizationTokenOutput({}, { parent: this, provider });
        // The token call names the registry endpoint itself, so no domain (amazonaws.com, .com.cn) is assumed here.
        this.server = token.proxyEndpoint.apply((endpoint) => endpoint.replace(/^https?:\/\//, "").replace(/\/$/, ""));
        this.pushCredentials = secretCredentials(this.server, token.userName, token.password);

        const partition = partitionOf(provider, this);
        this.pullAccess = {
            kind: "iamGrant",
            cloud: "aws",
            policyArn: managedPolicyArn(partition.partition, ECR_READ_POLICY),
            repositoryArns: arns,
        };
        this.repositoryUrls = pulumi.all(Object.fromEntries(this.urls));
        this.registerOutputs({ server: this.server, repositoryUrls: this.repositoryUrls });
    }

    public repository(app: string): pulumi.Output<string> {
        const url = this.urls.get(app);
        if (url === undefined) throw unknownApp(app, this.urls.keys(), this);
        return url;
    }
}
