import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { RegistryCredentials } from "../contracts";
import { contextHash } from "./contextHash";

export interface AppImageArgs {
    /** Build context directory, relative to the project directory. */
    context: string;
    /** Dockerfile path, relative to the project directory. */
    dockerfile: string;
    buildArgs?: Record<string, string>;
    /** Dockerfile stage to build (`docker build --target`). */
    target?: string;
    /** Platform of the image, e.g. `linux/amd64`; must match the cluster's nodes. */
    platform: string;
    /** Image references to use as build cache (they carry inline cache metadata when pushed by stevedore). */
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
 * manifest's digest reference. Deployments use `ref`, never the tag: new code means a new digest
 * and a rollout; unchanged code means the same digest and no diff.
 */
export class AppImage extends pulumi.ComponentResource {
    /** Immutable tag pushed: `src-` and the first 16 hex digits of the build's content hash. */
    public readonly tag: string;
    /** `repository:tag` as pushed. */
    public readonly imageName: pulumi.Output<string>;
    /** `repository@sha256:<digest>` of the pushed manifest: what Deployments run. */
    public readonly ref: pulumi.Output<string>;

    constructor(name: string, args: AppImageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("stevedore:image:AppImage", name, {}, opts);

        const buildArgs = args.buildArgs ?? {};
        const hash = contextHash({
            context: args.context,
            dockerfile: args.dockerfile,
            buildArgs,
            target: args.target,
            platform: args.platform,
        });
        this.tag = `src-${hash.slice(0, 16)}`;

        const credentials = args.credentials === undefined ? undefined : pulumi.output(args.credentials);
        const image = new docker.Image(
            `${name}-image`,
            {
                imageName: pulumi.interpolate`${args.repository}:${this.tag}`,
                buildOnPreview: args.buildOnPreview ?? false,
                build: {
                    context: args.context,
                    dockerfile: args.dockerfile,
                    platform: args.platform,
                    target: args.target,
                    // Inline cache metadata lets any pushed stevedore image serve as a later build's cache.
                    args: { ...buildArgs, BUILDKIT_INLINE_CACHE: "1", [SOURCE_HASH_ARG]: hash },
                    cacheFrom:
                        args.cacheFrom !== undefined && args.cacheFrom.length > 0
                            ? { images: args.cacheFrom }
                            : undefined,
                },
                registry:
                    credentials === undefined
                        ? undefined
                        : {
                              server: credentials.server,
                              username: credentials.username,
                              password: pulumi.secret(credentials.password),
                          },
            },
            { parent: this },
        );

        this.imageName = image.imageName;
        this.ref = image.repoDigest.apply((ref) => {
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
