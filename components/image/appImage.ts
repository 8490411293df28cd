import * as pulumi from "@pulumi/pulumi";
import { BuildSettings, isBuildx } from "../config/buildRules";
import { RegistryCredentials } from "../contracts";
import { buildxBuild } from "./buildxBuild";
import { contextHash } from "./contextHash";
import { engineBuild } from "./engineBuild";

export interface AppImageArgs {
    /** Build context directory, relative to the project directory. */
    context: string;
    /** Dockerfile path, relative to the project directory. */
    dockerfile: string;
    buildArgs?: Record<string, string>;
    /** Dockerfile stage to build (`docker build --target`). */
    target?: string;
    /** Builder, platforms (must match the cluster's nodes), cache and build secrets. */
    build: BuildSettings;
    /** SSH agent sockets or keys forwarded to `RUN --mount=type=ssh` (BuildKit builders). */
    ssh?: { id: string; paths?: string[] }[];
    /** Base image reference -> digest it resolves to now (refreshBaseImages): a republished base changes the tag. */
    baseImageDigests?: Record<string, string>;
    /** Image references to use as build cache. */
    cacheFrom?: string[];
    /** Repository to push to, without tag: `myacr.azurecr.io/backend`. */
    repository: pulumi.Input<string>;
    /** Push credentials, when the registry needs them. */
    credentials?: pulumi.Input<RegistryCredentials>;
    /** `pulumi preview` builds the image (never pushes it) when its inputs changed, so build errors show in the preview. */
    buildOnPreview?: boolean;
}

/** Build argument through which an image learns which sources it was built from (served by `/version`). */
export const SOURCE_HASH_ARG = "STEVEDORE_SOURCE_HASH";

const DIGEST_REF = /^[^@\s]+@sha256:[0-9a-f]{64}$/;

/**
 * Builds an app's image, pushes it under an immutable content-hash tag and exposes the pushed
 * manifest's (or, for several platforms, the image index's) digest reference. Deployments use
 * `ref`, never the tag: new code means a new digest and a rollout; unchanged code means the same
 * digest and no diff. The builder is the Docker engine's (`@pulumi/docker`) or a buildx builder
 * (`@pulumi/docker-build`), by `stevedore:builder`.
 */
export class AppImage extends pulumi.ComponentResource {
    /** Immutable tag pushed: `src-` and the first 16 hex digits of the build's content hash. */
    public readonly tag: string;
    /** `repository:tag` as pushed. */
    public readonly imageName: pulumi.Output<string>;
    /** `repository@sha256:<digest>` of the pushed manifest or index: what Deployments run. */
    public readonly ref: pulumi.Output<string>;

    constructor(name: string, args: AppImageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("stevedore:image:AppImage", name, {}, opts);

        const buildArgs = args.buildArgs ?? {};
        const ssh = args.ssh ?? [];
        const hash = contextHash({
            context: args.context,
            dockerfile: args.dockerfile,
            buildArgs,
            target: args.target,
            platform: args.build.platforms.join(","),
            secretIds: Object.keys(args.build.secrets),
            sshIds: ssh.map((s) => s.id),
            baseImageDigests: args.baseImageDigests,
        });
        this.tag = `src-${hash.slice(0, 16)}`;

        const request = {
            context: args.context,
            dockerfile: args.dockerfile,
            buildArgs: { ...buildArgs, [SOURCE_HASH_ARG]: hash },
            target: args.target,
            platforms: args.build.platforms,
            cacheFrom: args.cacheFrom ?? [],
            repository: args.repository,
            imageName: pulumi.interpolate`${args.repository}:${this.tag}`,
            credentials: args.credentials,
            buildOnPreview: args.buildOnPreview ?? false,
            builder: args.build.builder,
            buildCache: args.build.buildCache,
            secrets: args.build.secrets,
            ssh,
        };
        const pushed = isBuildx(args.build.builder)
            ? buildxBuild(name, request, this)
            : engineBuild(name, request, this);

        this.imageName = pushed.imageName;
        this.ref = pushed.repoDigest.apply((ref) => {
            if (!DIGEST_REF.test(ref)) {
                throw new pulumi.ResourceError(
                    `image ${name}: the push returned ${JSON.stringify(ref)}, not a repo@sha256:<digest> reference; was the image pushed?`,
                    this,
                );
            }
            return ref;
        });
        this.registerOutputs({ tag: this.tag, imageName: this.imageName, ref: this.ref });
    }
}
