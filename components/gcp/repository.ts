import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { RegistrySettings } from "./settings";

/** Where a Docker repository lives; each field resolves only once the repository exists (or was found). */
export interface RepositoryRef {
    project: pulumi.Output<string>;
    location: pulumi.Output<string>;
    repositoryId: pulumi.Output<string>;
}

type CreateSettings = Extract<RegistrySettings, { mode: "create" }>;

const SECONDS_PER_DAY = 86400;

/**
 * Cleanup policies: delete untagged versions (what a re-pushed tag leaves behind) after a while,
 * and optionally keep the newest N versions of each image whatever else matches (KEEP wins over
 * DELETE in Artifact Registry). Images stevedore deploys are tagged, so they are never deleted.
 */
export function cleanupPolicies(cfg: CreateSettings): gcp.types.input.artifactregistry.RepositoryCleanupPolicy[] {
    const policies: gcp.types.input.artifactregistry.RepositoryCleanupPolicy[] = [
        {
            id: "delete-untagged",
            action: "DELETE",
            // In seconds: the API stores durations that way, and "14d" would show a diff on every refresh.
            condition: { tagState: "UNTAGGED", olderThan: `${cfg.untaggedMaxAgeDays * SECONDS_PER_DAY}s` },
        },
    ];
    if (cfg.keepRecent !== undefined) {
        policies.push({ id: "keep-recent", action: "KEEP", mostRecentVersions: { keepCount: cfg.keepRecent } });
    }
    return policies;
}

/** Creates the Docker repository stevedore owns. */
export function createRepository(
    name: string,
    project: string,
    location: string,
    cfg: CreateSettings,
    opts: pulumi.CustomResourceOptions,
): RepositoryRef {
    const repo = new gcp.artifactregistry.Repository(
        name,
        {
            project,
            location,
            repositoryId: cfg.name,
            format: "DOCKER",
            description: "Images built and pushed by stevedore; deployments pin them by digest.",
            cleanupPolicies: cleanupPolicies(cfg),
            cleanupPolicyDryRun: false,
            labels: { "managed-by": "stevedore" },
        },
        opts,
    );
    return { project: repo.project, location: repo.location, repositoryId: repo.repositoryId };
}

/** Finds an existing repository and checks that it holds Docker images. */
export function lookupRepository(project: string, location: string, repositoryId: string, opts: pulumi.InvokeOutputOptions): RepositoryRef {
    const found = gcp.artifactregistry.getRepositoryOutput({ project, location, repositoryId }, opts).apply((r) => {
        if (r.format !== "DOCKER") {
            throw new Error(`Artifact Registry repository ${repositoryId} in ${project}/${location} is a ${r.format} repository; stevedore needs a DOCKER one (set stevedore:gcp.registry.name to a Docker repository, or mode: create)`);
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
