import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { RepositoryRef } from "./handles";
import { RegistrySettings } from "./settings";

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
export function newRepository(
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
