import { z } from "zod";

/**
 * `stevedore:builder` / `apps[i].builder`. `docker` is the Docker engine's own builder through
 * `@pulumi/docker` (the legacy path, and the default until the BuildKit path has replaced it on
 * every scenario); any other value names a buildx builder that `@pulumi/docker-build` builds on;
 * `buildx` leaves the choice to the provider (the current builder, or a `docker-container` one it
 * creates, pulling moby/buildkit once).
 */
export const ENGINE_BUILDER = "docker";
export const DEFAULT_BUILDX_BUILDER = "buildx";

export const builderName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, {
    message: `must be "${ENGINE_BUILDER}" (the Docker engine's builder), "${DEFAULT_BUILDX_BUILDER}" (docker-build's default builder) or the name of a buildx builder (docker buildx ls)`,
});

/** One image platform such as `linux/amd64`. */
const onePlatform = /^[a-z0-9]+\/[a-z0-9]+(\/[a-z0-9]+)?$/;
const PLATFORM_MESSAGE = "must look like linux/amd64, or list platforms (linux/amd64,linux/arm64)";

/** Splits `linux/amd64,linux/arm64` (buildx's `--platform` syntax) into its platforms. */
export function splitPlatforms(text: string): string[] {
    return text.split(",").map((p) => p.trim());
}

/** `stevedore:platform`: one platform, or several joined by commas (the project file types it as a string). */
export const stackPlatforms = z
    .string()
    .refine((text) => splitPlatforms(text).every((p) => onePlatform.test(p)), { message: PLATFORM_MESSAGE })
    .transform(splitPlatforms);

/** `apps[i].platform`: a platform, a comma-separated list or a YAML list. */
export const appPlatforms = z
    .union([z.string(), z.array(z.string()).min(1)])
    .transform((v) => (typeof v === "string" ? splitPlatforms(v) : v))
    .refine((list) => list.every((p) => onePlatform.test(p)), { message: PLATFORM_MESSAGE })
    .refine((list) => new Set(list).size === list.length, { message: "lists a platform twice" });

/** A BuildKit secret id, as `RUN --mount=type=secret,id=<id>` names it. */
const secretId = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, {
    message: "must be a BuildKit secret id: letters, digits, '_', '.' and '-'",
});

/** A config key holding a secret: `npmToken` (in the stevedore namespace) or `<namespace>:<key>`. */
export const secretConfigKey = z.string().regex(/^([A-Za-z0-9_.-]+:)?[A-Za-z][A-Za-z0-9_.-]*$/, {
    message: "must name a stack config key set with --secret: npmToken (stevedore:npmToken) or <namespace>:<key>",
});

/** `apps[i].buildSecrets`: BuildKit secret id -> the config key holding its value. */
export const buildSecrets = z.record(secretId, secretConfigKey).default({});

/** `apps[i].ssh`: SSH agent sockets or keys forwarded for `RUN --mount=type=ssh`. */
export const sshForwards = z
    .array(
        z.strictObject({
            id: secretId.default("default"),
            /** Agent sockets or key files on the machine running `pulumi up`; the default is $SSH_AUTH_SOCK. */
            paths: z.array(z.string().min(1)).optional(),
        }),
    )
    .default([]);

/** `stevedore:buildCache` / `apps[i].buildCache`: where BuildKit's layer cache lives between builds. */
export const buildCache = z.enum(["registry", "gha", "none"]);

/** Full config key (`stevedore:npmToken`) of a buildSecrets value. */
export function fullSecretKey(key: string, namespace: string): string {
    return key.includes(":") ? key : `${namespace}:${key}`;
}
