import { z } from "zod";
import type { SettingsContext } from "../contracts";
import type { RuleParams } from "../config/errors";
import { architectureOf, PLATFORM_OF } from "./architecture";
import { wildcardMatches } from "./tagMutability";

/** Kubernetes version a new cluster gets unless `cluster.version` says otherwise. */
export const DEFAULT_KUBERNETES_VERSION = "1.34";

const region = z.string().regex(/^[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}$/, {
    message: "must be an AWS region code such as us-east-1, eu-west-2 or ap-southeast-1",
});

const clusterName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/, {
    message: "must be an EKS cluster name: 1-100 letters, digits, '-' or '_', starting with a letter or digit",
});

const iamRoleName = z.string().regex(/^[A-Za-z0-9+=,.@_-]{1,64}$/, {
    message: "must be an IAM role name (not an ARN): 1-64 letters, digits or +=,.@_-",
});

const roleArn = z.string().regex(/^arn:aws[a-z-]*:iam::[0-9]{12}:role\/[A-Za-z0-9+=,.@_/-]{1,512}$/, {
    message: "must be an IAM role ARN such as arn:aws:iam::123456789012:role/eks-deployer",
});

const subnetId = z
    .string()
    .regex(/^subnet-[0-9a-f]{8,17}$/, { message: "must be a subnet id such as subnet-0a1b2c3d4e5f67890" });

const instanceType = z
    .string()
    .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { message: "must be an EC2 instance type such as t3.medium or m7g.large" });

/** One path segment of an ECR repository name. */
const ECR_SEGMENT = "[a-z0-9]+(?:[._-][a-z0-9]+)*";
const repositoryPrefix = z.string().regex(new RegExp(`^${ECR_SEGMENT}(?:/${ECR_SEGMENT})*$`), {
    message:
        "must be an ECR namespace such as team-a or team-a/dev: lowercase a-z, 0-9, '.', '_', '-', segments separated by '/'",
});

/** Pattern a full ECR repository name must match (the AWS API's own rule). */
export const ECR_REPOSITORY_NAME = new RegExp(`^(?=.{2,256}$)${ECR_SEGMENT}(?:/${ECR_SEGMENT})*$`);

const size = z.number().int().min(0).max(1000);

const nodeGroup = z
    .strictObject({
        instanceTypes: z.array(instanceType).min(1).default(["t3.medium"]),
        minSize: size.default(1),
        desiredSize: size.default(2),
        maxSize: size.min(1).default(3),
    })
    .superRefine((g, ctx) => {
        const arches = new Set(g.instanceTypes.map(architectureOf));
        if (arches.size > 1) {
            ctx.addIssue({
                code: "custom",
                path: ["instanceTypes"],
                message:
                    "must all be Graviton (arm64, e.g. m7g.large) or all x86_64 (e.g. t3.medium): one node group runs one AMI type",
            });
        }
        if (g.minSize > g.desiredSize) {
            ctx.addIssue({
                code: "custom",
                path: ["minSize"],
                message: `must be <= desiredSize (${g.desiredSize}); sizes need minSize <= desiredSize <= maxSize`,
            });
        }
        if (g.desiredSize > g.maxSize) {
            ctx.addIssue({
                code: "custom",
                path: ["desiredSize"],
                message: `must be <= maxSize (${g.maxSize}); sizes need minSize <= desiredSize <= maxSize`,
            });
        }
    });

export type NodeGroupSettings = z.output<typeof nodeGroup>;

/** Keys that only make sense when stevedore creates the cluster, and those only when it attaches to one. */
const CREATE_ONLY = ["version", "subnetIds", "nodeGroup", "supportType"] as const;
const EXISTING_ONLY = ["nodeRoleName"] as const;

const cluster = z
    .strictObject({
        /** `existing`: attach to a cluster by name; `create`: stevedore creates the VPC, roles, cluster and node group. */
        mode: z.enum(["existing", "create"]).default("existing"),
        name: clusterName.optional(),
        version: z
            .string()
            .regex(/^1\.[0-9]{2}$/, { message: "must be a Kubernetes minor version such as 1.33 or 1.34" })
            .optional(),
        /** Role of the existing cluster's nodes; with it, stevedore attaches the ECR read policy itself. */
        nodeRoleName: iamRoleName.optional(),
        /** Subnets (in at least two AZs) for a new cluster; without them stevedore creates a small VPC. */
        subnetIds: z.array(subnetId).min(2).optional(),
        nodeGroup: nodeGroup.optional(),
        /**
         * What EKS does when `version` reaches the end of standard support: `STANDARD` upgrades the
         * control plane itself, `EXTENDED` keeps it at a higher hourly price. Set, never left to AWS's
         * default (EXTENDED), so the bill cannot change unannounced.
         */
        supportType: z.enum(["STANDARD", "EXTENDED"]).optional(),
        /** Role `aws eks get-token` assumes (`--role-arn`) to reach the Kubernetes API. */
        authRoleArn: roleArn.optional(),
    })
    .superRefine((c, ctx) => {
        if (c.mode === "existing" && c.name === undefined) {
            ctx.addIssue({
                code: "custom",
                path: ["name"],
                message: 'is required when mode is "existing" (the name of the EKS cluster to attach to)',
            });
        }
        const misplaced = c.mode === "existing" ? CREATE_ONLY : EXISTING_ONLY;
        for (const key of misplaced) {
            if (c[key] !== undefined) {
                const other = c.mode === "existing" ? "create" : "existing";
                ctx.addIssue({ code: "custom", path: [key], message: `is only allowed when mode is "${other}"` });
            }
        }
        if (c.subnetIds !== undefined && new Set(c.subnetIds).size !== c.subnetIds.length) {
            ctx.addIssue({ code: "custom", path: ["subnetIds"], message: "must not list a subnet twice" });
        }
    })
    .transform((c) =>
        c.mode === "existing"
            ? {
                  mode: "existing" as const,
                  name: c.name ?? "",
                  nodeRoleName: c.nodeRoleName,
                  authRoleArn: c.authRoleArn,
              }
            : {
                  mode: "create" as const,
                  name: c.name ?? "stevedore",
                  version: c.version ?? DEFAULT_KUBERNETES_VERSION,
                  subnetIds: c.subnetIds,
                  nodeGroup: c.nodeGroup ?? nodeGroup.parse({}),
                  supportType: c.supportType ?? "STANDARD",
                  authRoleArn: c.authRoleArn,
              },
    );

export type ClusterSettings = z.output<typeof cluster>;

const REGISTRY_CREATE_ONLY = ["untaggedExpiryDays", "keepLast", "keepTags", "forceDelete"] as const;

/** An ECR lifecycle tag pattern: letters, digits and `._-`, at most four `*` wildcards. */
const tagPattern = z
    .string()
    .regex(/^[A-Za-z0-9._*-]{1,128}$/, {
        message: "must be a tag pattern such as v* or release-*: letters, digits, '.', '_', '-' and '*'",
    })
    .refine((p) => p.split("*").length <= 5, { message: "may hold at most four '*' wildcards (ECR's limit)" })
    .refine((p) => !wildcardMatches(p, "src-0123456789abcdef"), {
        message: "must not match stevedore's own src- tags, which keepLast counts",
    });

const registry = z
    .strictObject({
        /** `create`: one ECR repository per app; `existing`: repositories that already exist, looked up by name. */
        mode: z.enum(["create", "existing"]).default("create"),
        /** Namespace before each app's repository name: `team-a` gives `team-a/backend`. */
        prefix: repositoryPrefix.optional(),
        untaggedExpiryDays: z.number().int().min(1).max(3650).optional(),
        keepLast: z.number().int().min(1).max(10000).optional(),
        /** Tag patterns of images the lifecycle policy never expires (release tags added by hand). */
        keepTags: z.array(tagPattern).max(20).optional(),
        /** Delete repositories that still hold images on `pulumi destroy`. */
        forceDelete: z.boolean().optional(),
    })
    .superRefine((r, ctx) => {
        if (r.mode !== "existing") return;
        for (const key of REGISTRY_CREATE_ONLY) {
            if (r[key] !== undefined)
                ctx.addIssue({
                    code: "custom",
                    path: [key],
                    message: 'is only allowed when mode is "create" (stevedore does not manage existing repositories)',
                });
        }
    })
    .transform((r) =>
        r.mode === "existing"
            ? { mode: "existing" as const, prefix: r.prefix }
            : {
                  mode: "create" as const,
                  prefix: r.prefix,
                  untaggedExpiryDays: r.untaggedExpiryDays ?? 14,
                  keepLast: r.keepLast ?? 20,
                  keepTags: r.keepTags ?? [],
                  forceDelete: r.forceDelete ?? false,
              },
    );

export type RegistrySettings = z.output<typeof registry>;

/** Settings of `stevedore:target: eks`, read from the `stevedore:aws` key. */
export const awsSettingsSchema = z.strictObject({
    region,
    /** Named profile from ~/.aws/config for the provider and for `aws eks get-token`. */
    profile: z.string().regex(/^\S+$/, { message: "must be a profile name from ~/.aws/config (no spaces)" }).optional(),
    cluster: cluster.prefault({}),
    registry: registry.prefault({}),
});

export type AwsSettings = z.output<typeof awsSettingsSchema>;

/** Name of the ECR repository that holds `app`'s images. */
export function ecrRepositoryName(prefix: string | undefined, app: string): string {
    return prefix === undefined ? app : `${prefix}/${app}`;
}

/**
 * `stevedore:aws` with the rules that depend on other keys, checked with the rest of the config:
 * every app's repository name must be one ECR accepts, and ECR takes no static push credentials.
 * Both only apply when the target's own registry (ECR) is used.
 */
export function awsTargetSchema(context: SettingsContext) {
    return awsSettingsSchema.superRefine((settings, ctx) => {
        if (!context.targetRegistry) return;
        const rule = (key: string): RuleParams => ({ rule: key });
        for (const app of context.apps) {
            const repo = ecrRepositoryName(settings.registry.prefix, app);
            if (ECR_REPOSITORY_NAME.test(repo)) continue;
            ctx.addIssue({
                code: "custom",
                message: `ECR repository name ${JSON.stringify(repo)} is invalid: ECR names are 2-256 characters; rename the app or set stevedore:aws.registry.prefix`,
                params: rule("stevedore:aws.registry"),
            });
        }
        // Zod also runs this refinement when a nested key failed, on the value as given: read it defensively.
        const given = settings.cluster as { mode?: unknown; nodeGroup?: { instanceTypes?: unknown } };
        const types = given.nodeGroup?.instanceTypes;
        if (given.mode === "create" && Array.isArray(types) && types.every((t) => typeof t === "string")) {
            const arch = architectureOf(types[0] ?? "");
            const reported = new Set<string>();
            // An image index runs wherever one of its platforms matches the nodes'.
            for (const { key, platforms } of context.platforms) {
                if (platforms.includes(PLATFORM_OF[arch]) || reported.has(key)) continue;
                reported.add(key);
                ctx.addIssue({
                    code: "custom",
                    message: `the node group's instance types (${types.join(", ")}) run ${arch}, so images must be built for ${PLATFORM_OF[arch]}; set it, or pick instance types of the other architecture`,
                    params: rule(`${key} = ${JSON.stringify(platforms.join(","))}`),
                });
            }
        }
        if (context.pushAuth) {
            ctx.addIssue({
                code: "custom",
                message: "not used by target eks (pushes use a fresh ECR authorization token); remove them",
                params: rule("stevedore:registryUsername / stevedore:registryPassword"),
            });
        }
    });
}
