import * as pulumi from "@pulumi/pulumi";
import { BuildCache } from "../config/buildRules";
import { RegistryCredentials } from "../contracts";

/** What either builder gets from AppImage: the build, already tagged by its content hash. */
export interface BuildRequest {
    context: string;
    dockerfile: string;
    /** Build args, STEVEDORE_SOURCE_HASH included. */
    buildArgs: Record<string, string>;
    target?: string;
    platforms: string[];
    cacheFrom: string[];
    /** Repository without tag. */
    repository: pulumi.Input<string>;
    /** `repository:src-<hash>`. */
    imageName: pulumi.Output<string>;
    credentials?: pulumi.Input<RegistryCredentials>;
    buildOnPreview: boolean;
    /** `docker`, `buildx` (docker-build's default) or a buildx builder's name. */
    builder: string;
    buildCache: BuildCache;
    /** BuildKit secret id -> value (a Pulumi secret). */
    secrets: Record<string, pulumi.Output<string>>;
    ssh: { id: string; paths?: string[] }[];
}

/** What a builder returns: the pushed name and `repo@sha256:<digest>` as the registry serves it. */
export interface PushedImage {
    imageName: pulumi.Output<string>;
    repoDigest: pulumi.Output<string>;
}

/** Tag of an app's BuildKit registry cache in its own repository: never a `src-` or `promoted-` tag. */
export const BUILD_CACHE_TAG = "buildcache";
