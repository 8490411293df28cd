import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { BoundTarget } from "../contracts";
import { TargetName, targetNames, targets } from "../targets";
import { AppSettings, appsSchema, dnsLabel } from "./app";
import { appReferenceProblems, secretEnvKeys, secretEnvValues } from "./appRefs";
import { buildCache, builderName, ENGINE_BUILDER, stackPlatforms } from "./build";
import { BuildSettings, promotedIndexProblem, resolveBuild, secretKeysNamed, StackBuildDefaults } from "./buildRules";
import { crossKeyProblems, settingsContext } from "./crossKey";
import { ConfigError, describeIssues } from "./errors";
import { checkOverrides, composeTarget, OVERRIDE_KEYS } from "./overrides";
import { buildsFromSource, flag, promoteFrom } from "./pin";
import { CREDENTIAL_KEYS, warnPlaintextCredentials } from "./plaintext";
import { namespaceScopeProblems } from "./namespaceScope";
import { NAMESPACE, rawConfig } from "./raw";

/** An app entry with its build paths resolved against the project directory. */
export interface ResolvedApp extends AppSettings {
    /** Build context, relative to the project directory (kept relative so state is the same on every machine). */
    context: string;
    /** Dockerfile path, relative to the project directory. */
    dockerfilePath: string;
    /** The image's platforms; more than one makes it an image index. */
    platform: string[];
    /** How the image is built: builder, platforms, cache, build secrets. */
    build: BuildSettings;
    /** secretEnv's values, read from the stack config as secrets. */
    secretValues: Record<string, pulumi.Output<string>>;
}

/** The whole stack config, parsed and validated once, before any resource is registered. */
export interface StackConfig {
    /** The target; absent when `stevedore:registry` and `stevedore:cluster` replace both of its halves. */
    target?: TargetName;
    apps: ResolvedApp[];
    namespace: string;
    renderDir?: string;
    registryAuth?: { username: string; password: pulumi.Output<string> };
    /** Read-only pull credentials from `stevedore:pullUsername` / `stevedore:pullPassword`. */
    pullAuth?: { username: string; password: pulumi.Output<string> };
    /** Inline kubeconfig contents from `stevedore:kubeconfig`, as a secret. */
    kubeconfig?: pulumi.Output<string>;
    /** Stack whose `apps` output this stack deploys (by digest, copied into its registry) instead of building. */
    promoteFrom?: string;
    /** `pulumi preview` builds changed images (without pushing), so a broken Dockerfile fails the preview. */
    buildOnPreview: boolean;
    /** `stevedore:networkPolicy`: the namespace denies ingress except what each app's allowFrom lets in. */
    networkPolicy: boolean;
    /**
     * `stevedore:namespaceScoped`: deploy into `namespace`, which must exist, and touch no
     * cluster-scoped object, so the stack runs with a Role bound in that namespace only.
     */
    namespaceScoped: boolean;
    /** Loads the target's module with its validated settings, with `stevedore:registry` / `stevedore:cluster` overrides applied. */
    bindTarget: () => Promise<BoundTarget>;
}

/** Schemas of the top-level keys; a target's own settings key is checked by that target's schema. */
const topLevel = {
    target: z.enum(targetNames).optional(),
    apps: appsSchema,
    namespace: dnsLabel.default("stevedore"),
    platform: stackPlatforms.default(["linux/amd64"]),
    builder: builderName.default(ENGINE_BUILDER),
    buildCache: buildCache.optional(),
    refreshBaseImages: flag.default(false),
    renderDir: z.string().min(1).optional(),
    registryUsername: z.string().min(1).optional(),
    registryPassword: z.string().min(1).optional(),
    pullUsername: z.string().min(1).optional(),
    pullPassword: z.string().min(1).optional(),
    // A JSON kubeconfig arrives decoded into a map; the provider takes either form as text.
    kubeconfig: z
        .preprocess(
            (v) => (v !== null && typeof v === "object" ? JSON.stringify(v) : v),
            z.string().regex(/"?clusters"?\s*:/, {
                message:
                    "must be a kubeconfig's contents (pulumi config set --secret stevedore:kubeconfig < file); for a file path use stevedore:cluster.path",
            }),
        )
        .optional(),
    promoteFrom: promoteFrom.optional(),
    buildOnPreview: flag.default(false),
    networkPolicy: flag.default(false),
    namespaceScoped: flag.default(false),
};
type TopLevel = { [K in keyof typeof topLevel]: z.output<(typeof topLevel)[K]> };

/** Every key under `stevedore:` that the program reads; any other is a typo and an error. */
export const ACCEPTED_KEYS: readonly string[] = [
    ...Object.keys(topLevel),
    ...OVERRIDE_KEYS,
    ...Object.values(targets).map((t) => t.settingsKey),
];

/** Keys whose values are never echoed in an error message. */
const SECRET_KEYS = new Set<string>(CREDENTIAL_KEYS);

/**
 * Reads and validates the stack config. Throws a ConfigError listing every problem (key, value,
 * what is allowed) so a user fixes them all in one pass.
 */
export function loadConfig(projectDir: string = process.cwd()): StackConfig {
    const raw = rawConfig();
    warnPlaintextCredentials(raw.keys());
    const problems: string[] = [];
    // An app's secret may live under stevedore: too (`pulumi config set --secret dbPassword ...`).
    const known = [...ACCEPTED_KEYS, ...secretEnvKeys(raw.get("apps")).filter((k) => !ACCEPTED_KEYS.includes(k))];

    const parsed: Partial<TopLevel> = {};
    for (const [key, schema] of Object.entries(topLevel) as [keyof TopLevel, z.ZodType][]) {
        const value = raw.get(key);
        const result = schema.safeParse(value);
        if (result.success) {
            (parsed as Record<string, unknown>)[key] = result.data;
        } else {
            const shown = SECRET_KEYS.has(key) ? "[secret]" : value;
            problems.push(...describeIssues(`${NAMESPACE}:${key}`, schema, shown, result.error.issues));
        }
    }
    // Keys that apps name as build secrets hold their values; they are accepted, never echoed.
    const secretKeys = secretKeysNamed(parsed.apps ?? []);
    for (const key of raw.keys()) {
        if (!known.includes(key) && !secretKeys.has(key))
            problems.unshift(
                `${NAMESPACE}:${key}: unknown key; allowed keys: ${known.map((k) => `${NAMESPACE}:${k}`).join(", ")}`,
            );
    }
    const context = settingsContext(parsed, raw, projectDir);
    const overrides = checkOverrides(raw, context);
    problems.push(...crossKeyProblems(parsed, raw, targetNames));
    problems.push(...overrides.problems);
    problems.push(...namespaceScopeProblems(parsed.namespaceScoped ?? false, raw));

    let bindTarget: (() => Promise<BoundTarget>) | undefined;
    if (parsed.target !== undefined) {
        const entry = targets[parsed.target];
        const check = entry.check(raw.get(entry.settingsKey), context);
        if (check.ok) bindTarget = check.bind;
        else
            problems.push(
                ...describeIssues(
                    `${NAMESPACE}:${entry.settingsKey}`,
                    check.schema,
                    raw.get(entry.settingsKey),
                    check.issues,
                ),
            );
    }

    const defaults: StackBuildDefaults = {
        platforms: parsed.platform ?? ["linux/amd64"],
        builder: parsed.builder ?? ENGINE_BUILDER,
        buildCache: parsed.buildCache,
        refreshBaseImages: parsed.refreshBaseImages ?? false,
    };
    const apps = (parsed.apps ?? []).map((app, i) => {
        const { build, problems: buildProblems } = resolveBuild(app, i, defaults);
        if (buildsFromSource(app, parsed.promoteFrom)) problems.push(...buildProblems);
        else if (parsed.promoteFrom !== undefined && app.image === undefined && build.platforms.length > 1)
            problems.push(promotedIndexProblem(app.name, i, build.platforms));
        return resolveApp(app, build, projectDir);
    });
    problems.push(
        ...appReferenceProblems({
            apps,
            renderDir: parsed.renderDir,
            networkPolicy: parsed.networkPolicy ?? false,
            ownKeys: ACCEPTED_KEYS,
        }),
    );
    apps.forEach((app, i) => {
        // A pinned or promoted app is never built, so its build context need not exist.
        if (buildsFromSource(app, parsed.promoteFrom)) problems.push(...checkBuildPaths(app, i, projectDir));
    });

    if (problems.length > 0 || parsed.namespace === undefined) {
        throw new ConfigError(problems);
    }
    return {
        target: parsed.target,
        apps,
        namespace: parsed.namespace,
        renderDir: parsed.renderDir,
        registryAuth:
            parsed.registryUsername !== undefined && parsed.registryPassword !== undefined
                ? { username: parsed.registryUsername, password: pulumi.secret(parsed.registryPassword) }
                : undefined,
        pullAuth:
            parsed.pullUsername !== undefined && parsed.pullPassword !== undefined
                ? { username: parsed.pullUsername, password: pulumi.secret(parsed.pullPassword) }
                : undefined,
        kubeconfig: parsed.kubeconfig === undefined ? undefined : pulumi.secret(parsed.kubeconfig),
        promoteFrom: parsed.promoteFrom,
        buildOnPreview: parsed.buildOnPreview ?? false,
        networkPolicy: parsed.networkPolicy ?? false,
        namespaceScoped: parsed.namespaceScoped ?? false,
        bindTarget: composeTarget(bindTarget, overrides),
    };
}

function resolveApp(app: AppSettings, build: BuildSettings, projectDir: string): ResolvedApp {
    const context = path.normalize(app.context ?? path.join("apps", app.name));
    const relative = path.isAbsolute(context) ? path.relative(projectDir, context) || "." : context;
    return {
        ...app,
        context: relative,
        dockerfilePath: path.join(relative, app.dockerfile),
        platform: build.platforms,
        build,
        secretValues: secretEnvValues(app),
    };
}

function checkBuildPaths(app: ResolvedApp, index: number, projectDir: string): string[] {
    const key = `${NAMESPACE}:apps[${index}]`;
    const contextDir = path.resolve(projectDir, app.context);
    if (!fs.existsSync(contextDir) || !fs.statSync(contextDir).isDirectory()) {
        return [
            `${key}.context = ${JSON.stringify(app.context)}: must be a directory (relative to the project) holding the app's Dockerfile`,
        ];
    }
    if (!fs.existsSync(path.resolve(projectDir, app.dockerfilePath))) {
        return [
            `${key}.dockerfile = ${JSON.stringify(app.dockerfile)}: no such file in ${app.context}; give the Dockerfile's path relative to the context`,
        ];
    }
    return [];
}
