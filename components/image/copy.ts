import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { RegistryCredentials } from "../contracts";

export interface ImageCopyArgs {
    /** `repo@sha256:<digest>` in the source registry. */
    source: string;
    /** Repository in this stack's registry to copy into, without tag. */
    repository: pulumi.Output<string>;
    /** Host (and port) of this stack's registry. */
    server: pulumi.Output<string>;
    /** The registry speaks plain HTTP (Registry.plainHttp). */
    plainHttp: boolean;
    /** Push credentials of this stack's registry, as a secret Output; undefined for anonymous pushes. */
    credentials?: pulumi.Output<RegistryCredentials>;
    /** Platform to pull, for a source that is a multi-platform index. */
    platform: string;
}

/**
 * The push's auth, always given: without it the provider looks for one in its own config and fails
 * for an anonymous registry. The scheme matters too, as the provider reads the pushed digest from
 * the registry's API itself and assumes https:// for an address without one.
 */
function pushAuth(args: ImageCopyArgs): pulumi.Output<docker.types.input.RegistryImageAuthConfig> {
    const scheme = args.plainHttp ? "http" : "https";
    if (args.credentials === undefined) return args.server.apply((server) => ({ address: `${scheme}://${server}` }));
    return args.credentials.apply((c) => ({
        address: `${scheme}://${c.server}`,
        username: c.username,
        password: c.password,
    }));
}

/** Tag prefix of promoted copies: not `src-`, so ECR's keep-last rule never expires a digest prod may roll back to. */
export const PROMOTED_TAG_PREFIX = "promoted-";

/**
 * Copies one image into this stack's registry through the Docker engine (pull by digest, tag,
 * push) with the docker provider's own resources: no registry protocol code, no extra plugin.
 * The copy must keep the digest (the Docker engine's containerd image store pushes the pulled
 * manifest and compressed layers unchanged; the classic store may rebuild the manifest), so the
 * digest the registry reports for the push (`Docker-Content-Digest`) is compared with the
 * source's and the update fails when they differ.
 */
export class ImageCopy extends pulumi.ComponentResource {
    /** `<this registry's repository>@<source digest>`: what the Deployment runs. */
    public readonly ref: pulumi.Output<string>;

    constructor(name: string, args: ImageCopyArgs, opts?: pulumi.ComponentResourceOptions) {
        super("stevedore:image:ImageCopy", name, {}, opts);
        const digest = args.source.slice(args.source.indexOf("@") + 1);
        const hex = digest.slice("sha256:".length);

        const pulled = new docker.RemoteImage(
            `${name}-pull`,
            { name: args.source, platform: args.platform, keepLocally: true },
            { parent: this },
        );
        const tagged = new docker.Tag(
            `${name}-tag`,
            {
                sourceImage: pulled.imageId,
                targetImage: pulumi.interpolate`${args.repository}:${PROMOTED_TAG_PREFIX}${hex.slice(0, 12)}`,
            },
            { parent: this },
        );
        const pushed = new docker.RegistryImage(
            `${name}-push`,
            {
                name: tagged.targetImage,
                // Replacing or destroying the copy must not delete a digest a Deployment or a rollback still needs.
                keepRemotely: true,
                triggers: { digest },
                authConfig: pushAuth(args),
            },
            { parent: this },
        );

        this.ref = pulumi.all([pushed.sha256Digest, args.repository]).apply(([pushedDigest, repository]) => {
            const got = pushedDigest.startsWith("sha256:") ? pushedDigest : `sha256:${pushedDigest}`;
            if (got !== digest) {
                throw new pulumi.ResourceError(
                    `promoting ${args.source}: the copy pushed to ${repository} has digest ${got}, not the source's ${digest}; ` +
                        "the Docker engine rebuilt the manifest (its classic image store does; turn on the containerd image store), " +
                        "or the source is a multi-platform image index, which this copy cannot carry (docs/builds.md); nothing was deployed from it",
                    this,
                );
            }
            return `${repository}@${digest}`;
        });
        this.registerOutputs({ ref: this.ref });
    }
}
