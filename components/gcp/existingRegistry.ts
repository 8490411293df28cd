import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { RepositoryRef } from "./handles";

/** Finds an existing repository and checks that it holds Docker images. */
export function existingRepository(
    project: string,
    location: string,
    repositoryId: string,
    opts: pulumi.InvokeOutputOptions,
): RepositoryRef {
    const found = gcp.artifactregistry.getRepositoryOutput({ project, location, repositoryId }, opts).apply((r) => {
        if (r.format !== "DOCKER") {
            throw new pulumi.ResourceError(
                `Artifact Registry repository ${repositoryId} in ${project}/${location} is a ${r.format} repository; stevedore needs a DOCKER one (set stevedore:gcp.registry.name to a Docker repository, or mode: create)`,
                opts.parent,
            );
        }
        return r;
    });
    // The configured values, gated on the lookup so nothing uses a repository that was not found.
    return {
        project: found.apply(() => project),
        location: found.apply(() => location),
        repositoryId: found.apply(() => repositoryId),
    };
}
