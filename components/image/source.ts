import * as pulumi from "@pulumi/pulumi";
import { ResolvedApp } from "../config/load";
import { NAMESPACE } from "../config/raw";
import { registryHost } from "../config/pin";
import { Registry } from "../contracts";
import { AppImage } from "./appImage";
import { baseImageDigests as baseImages } from "./baseImages";
import { ImageCopy } from "./copy";
import { settled } from "./settled";

export interface ImageSourceArgs {
    registry: Registry;
    /** Digests read from `stevedore:promoteFrom`'s stack, by app; undefined on a stack that builds. */
    promoted?: Map<string, string>;
    buildOnPreview: boolean;
}

/**
 * The digest reference an app's Deployment runs, from one of three sources, in this order:
 * a pin (`stevedore:apps[i].image`, also how a rollback deploys), a promotion
 * (`stevedore:promoteFrom`), or a build of the app's sources.
 */
export async function appImageRef(
    settings: ResolvedApp,
    index: number,
    args: ImageSourceArgs,
): Promise<pulumi.Output<string>> {
    if (settings.image !== undefined) return pinned(settings.image, `${NAMESPACE}:apps[${index}].image`, args.registry);
    const promoted = args.promoted?.get(settings.name);
    if (promoted !== undefined) return promote(settings, promoted, args.registry);
    const baseImageDigests = settings.build.refreshBaseImages
        ? await baseImages(settings.name, `${NAMESPACE}:apps[${index}]`, settings.dockerfilePath, settings.buildArgs)
        : undefined;
    return new AppImage(settings.name, {
        context: settings.context,
        dockerfile: settings.dockerfilePath,
        buildArgs: settings.buildArgs,
        target: settings.buildTarget,
        build: settings.build,
        ssh: settings.ssh,
        baseImageDigests,
        cacheFrom: settings.cacheFrom,
        repository: args.registry.repository(settings.name),
        credentials: args.registry.pushCredentials,
        buildOnPreview: args.buildOnPreview,
    }).ref;
}

/**
 * A pin deploys as given. Pull access is granted for this stack's registry only, and its address
 * is known only once the registry exists, so a pin elsewhere is a deploy-time warning rather than
 * a config error: a public image may well be pullable, a private one will not be.
 */
function pinned(ref: string, key: string, registry: Registry): pulumi.Output<string> {
    const host = registryHost(ref);
    return registry.server.apply((server) => {
        if (host !== server) {
            void pulumi.log.warn(
                `${key} = ${JSON.stringify(ref)}: lives on ${host}, not on this stack's registry ${server}; the cluster's pull access (${registry.pullAccess.kind}) covers ${server} only, ` +
                    "so the pull fails unless the nodes can pull from that host anyway; to run it through this stack's own pull access, promote it with stevedore:promoteFrom instead",
            );
        }
        return ref;
    });
}

/**
 * A promoted digest already in this app's own repository is deployed as it is; one anywhere else
 * is copied in first, so the cluster pulls through its own repository's access. The whole
 * repository is compared, not the host: ECR has one host per account and region, Artifact
 * Registry one per location for every project, so a host match can still be another stack's
 * repository, which prod's nodes may not read and whose lifecycle rules or destroy can delete
 * what prod runs. A repository still to be created (unknown in a preview) is a copy too.
 */
async function promote(settings: ResolvedApp, source: string, registry: Registry): Promise<pulumi.Output<string>> {
    const repository = await settled(registry.repository(settings.name));
    if (repository.known && source.split("@")[0] === repository.value) return pulumi.output(source);
    return new ImageCopy(settings.name, {
        source,
        repository: registry.repository(settings.name),
        server: registry.server,
        plainHttp: registry.plainHttp,
        credentials: registry.pushCredentials,
        platform: settings.platform.join(","),
    }).ref;
}
