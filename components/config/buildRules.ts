import { Platform } from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";
import { AppSettings } from "./app";
import { buildCache, DEFAULT_BUILDX_BUILDER, ENGINE_BUILDER, fullSecretKey } from "./build";
import { isConfigSecret } from "./plaintext";
import { NAMESPACE } from "./raw";

export type BuildCache = (typeof buildCache.options)[number];

/** How one app's image is built, with the stack-wide defaults applied. */
export interface BuildSettings {
    /** Platforms of the image; more than one makes it an image index. */
    platforms: string[];
    /** `docker` (the Docker engine's builder), `buildx` (docker-build's default builder) or a buildx builder's name. */
    builder: string;
    /** Layer cache between builds; only BuildKit builds have one (`none` for the engine's builder). */
    buildCache: BuildCache;
    /** The content hash also covers the digest each FROM resolves to (one registry request per base image). */
    refreshBaseImages: boolean;
    /** BuildKit secret id -> its value, a Pulumi secret. */
    secrets: Record<string, pulumi.Output<string>>;
}

export interface StackBuildDefaults {
    platforms: string[];
    builder: string;
    buildCache?: BuildCache;
    refreshBaseImages: boolean;
}

/** Whether a builder is BuildKit through buildx (docker-build), not the Docker engine's own. */
export const isBuildx = (builder: string): boolean => builder !== ENGINE_BUILDER;

/** Stevedore-namespace keys that apps name as build secrets: accepted keys, never echoed. */
export function secretKeysNamed(apps: readonly Pick<AppSettings, "buildSecrets">[]): Set<string> {
    const keys = new Set<string>();
    for (const app of apps) {
        for (const key of Object.values(app.buildSecrets)) {
            const full = fullSecretKey(key, NAMESPACE);
            if (full.startsWith(`${NAMESPACE}:`)) keys.add(full.slice(NAMESPACE.length + 1));
        }
    }
    return keys;
}

/**
 * Resolves an app's build settings and checks what the chosen builder can do. Every problem names
 * the app's key, the value and the fix; a secret's value is never part of a message.
 */
export function resolveBuild(
    app: AppSettings,
    index: number,
    defaults: StackBuildDefaults,
    config: Record<string, string> = pulumi.runtime.allConfig(),
): { build: BuildSettings; problems: string[] } {
    const key = `${NAMESPACE}:apps[${index}]`;
    const builder = app.builder ?? defaults.builder;
    const platforms = app.platform ?? defaults.platforms;
    const problems: string[] = [];
    const buildx = isBuildx(builder);
    const needsBuildx = (what: string, value: unknown) =>
        problems.push(
            `${key}.${what} = ${JSON.stringify(value)}: needs a BuildKit builder, and app ${JSON.stringify(app.name)} builds with ` +
                `the Docker engine's (builder "${ENGINE_BUILDER}"); set ${NAMESPACE}:builder (or ${key}.builder) to a buildx builder ` +
                `(docker-container or remote driver: docker buildx create --name ci --driver docker-container), or "${DEFAULT_BUILDX_BUILDER}" for docker-build's default`,
        );
    if (buildx) {
        const unknown = platforms.filter((p) => !isBuildxPlatform(p));
        if (unknown.length > 0)
            problems.push(
                `${key}.platform = ${JSON.stringify(platforms)}: ${unknown.join(", ")} is not a platform docker-build builds; allowed: ${[...BUILDX_PLATFORMS].filter((p) => p.startsWith("linux/")).join(", ")}`,
            );
    } else {
        if (platforms.length > 1) needsBuildx("platform", platforms);
        if (Object.keys(app.buildSecrets).length > 0) needsBuildx("buildSecrets", app.buildSecrets);
        if (app.ssh.length > 0) needsBuildx("ssh", app.ssh);
        if (app.buildCache !== undefined && app.buildCache !== "none") needsBuildx("buildCache", app.buildCache);
    }

    const secrets: Record<string, pulumi.Output<string>> = {};
    for (const [id, name] of Object.entries(app.buildSecrets)) {
        const full = fullSecretKey(name, NAMESPACE);
        const value = config[full];
        const setWith = `pulumi config set --secret ${full} <value>`;
        if (value === undefined || value === "") {
            problems.push(
                `${key}.buildSecrets.${id} = ${JSON.stringify(name)}: ${full} is not set; set it with \`${setWith}\``,
            );
        } else if (!isConfigSecret(full)) {
            problems.push(
                `${key}.buildSecrets.${id} = ${JSON.stringify(name)}: ${full} is stored in plain text in the stack file; ` +
                    `a build secret must be encrypted: \`${setWith}\` (and rotate it if the file was ever committed)`,
            );
        } else {
            secrets[id] = pulumi.secret(value);
        }
    }
    const cache = app.buildCache ?? defaults.buildCache ?? (buildx ? "registry" : "none");
    return {
        build: {
            platforms,
            builder,
            buildCache: buildx ? cache : "none",
            refreshBaseImages: app.refreshBaseImages ?? defaults.refreshBaseImages,
            secrets,
        },
        problems,
    };
}

const BUILDX_PLATFORMS: ReadonlySet<string> = new Set(Object.values(Platform));

/** Whether docker-build takes `p` as a platform (its schema lists each one). */
export function isBuildxPlatform(p: string): p is Platform {
    return BUILDX_PLATFORMS.has(p);
}

/**
 * Promotion copies an image through the Docker engine, one platform at a time, so it cannot carry
 * an image index with its digest; said before anything is pulled or pushed.
 */
export function promotedIndexProblem(app: string, index: number, platforms: string[]): string {
    return (
        `${NAMESPACE}:apps[${index}].platform = ${JSON.stringify(platforms)}: app ${JSON.stringify(app)} is promoted (${NAMESPACE}:promoteFrom), ` +
        "and promotion copies one platform's image through the Docker engine, so a multi-platform index cannot keep its digest on this version; " +
        `pin the index instead (${NAMESPACE}:apps[${index}].image: <repository>@sha256:<index digest>) on a registry the cluster can pull from, or promote one platform`
    );
}
