import * as dockerBuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_BUILDX_BUILDER } from "../config/build";
import { isBuildxPlatform } from "../config/buildRules";
import { BUILD_CACHE_TAG, BuildRequest, PushedImage } from "./buildRequest";

type CacheFrom = dockerBuild.types.input.CacheFromArgs;
type CacheTo = dockerBuild.types.input.CacheToArgs;

/**
 * Where BuildKit's layer cache is read and written. `registry`: `<repo>:buildcache` in the app's
 * own repository, every intermediate layer (`mode=max`), as an OCI image manifest (ECR and
 * Artifact Registry take that form only); a failed cache export never fails the build. `gha`:
 * GitHub Actions' cache service, scoped by app.
 */
function cacheSettings(name: string, request: BuildRequest): { from: CacheFrom[]; to: CacheTo[] } {
    const from: CacheFrom[] = request.cacheFrom.map((ref) => ({ registry: { ref } }));
    if (request.buildCache === "registry") {
        const ref = pulumi.interpolate`${request.repository}:${BUILD_CACHE_TAG}`;
        from.push({ registry: { ref } });
        const to: CacheTo = {
            registry: { ref, mode: "max", imageManifest: true, ociMediaTypes: true, ignoreError: true },
        };
        return { from, to: [to] };
    }
    if (request.buildCache === "gha") {
        from.push({ gha: { scope: name } });
        return { from, to: [{ gha: { scope: name, mode: "max", ignoreError: true } }] };
    }
    return { from, to: [] };
}

/**
 * A BuildKit build through `@pulumi/docker-build` on a buildx builder: several platforms (one
 * image index), build secrets and SSH forwarding, a registry cache. Secret values reach the
 * provider as Pulumi secrets and are left out of its diff, so rotating one does not rebuild an
 * image under its immutable tag (AppImage's content hash covers the secret ids, not the values).
 */
export function buildxBuild(name: string, request: BuildRequest, parent: pulumi.Resource): PushedImage {
    const credentials = request.credentials === undefined ? undefined : pulumi.output(request.credentials);
    const cache = cacheSettings(name, request);
    const secretIds = Object.keys(request.secrets).sort();
    const image = new dockerBuild.Image(
        `${name}-image`,
        {
            tags: [request.imageName],
            push: true,
            buildOnPreview: request.buildOnPreview,
            builder: request.builder === DEFAULT_BUILDX_BUILDER ? undefined : { name: request.builder },
            context: { location: request.context },
            dockerfile: { location: request.dockerfile },
            platforms: request.platforms.filter(isBuildxPlatform),
            target: request.target,
            buildArgs: request.buildArgs,
            cacheFrom: cache.from.length > 0 ? cache.from : undefined,
            cacheTo: cache.to.length > 0 ? cache.to : undefined,
            secrets: secretIds.length > 0 ? request.secrets : undefined,
            ignoreSecretsInDiffCalculation: secretIds.length > 0 ? secretIds : undefined,
            ssh: request.ssh.length > 0 ? request.ssh : undefined,
            registries:
                credentials === undefined
                    ? undefined
                    : [
                          {
                              address: credentials.server,
                              username: credentials.username,
                              password: pulumi.secret(credentials.password),
                          },
                      ],
        },
        { parent },
    );
    return {
        imageName: request.imageName,
        repoDigest: pulumi.all([request.repository, image.digest]).apply(([repo, digest]) => `${repo}@${digest}`),
    };
}
