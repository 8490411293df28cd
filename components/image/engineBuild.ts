import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { BuildRequest, PushedImage } from "./buildRequest";

/**
 * The Docker engine's own builder through `@pulumi/docker` (`stevedore:builder: docker`): one
 * platform, no build secrets, inline cache metadata so any pushed stevedore image can serve as a
 * later build's `cacheFrom`.
 */
export function engineBuild(name: string, request: BuildRequest, parent: pulumi.Resource): PushedImage {
    const credentials = request.credentials === undefined ? undefined : pulumi.output(request.credentials);
    const image = new docker.Image(
        `${name}-image`,
        {
            imageName: request.imageName,
            buildOnPreview: request.buildOnPreview,
            build: {
                context: request.context,
                dockerfile: request.dockerfile,
                platform: request.platforms.join(","),
                target: request.target,
                args: { ...request.buildArgs, BUILDKIT_INLINE_CACHE: "1" },
                cacheFrom: request.cacheFrom.length > 0 ? { images: request.cacheFrom } : undefined,
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
        { parent },
    );
    return { imageName: image.imageName, repoDigest: image.repoDigest };
}
