import { STEVEDORE_TAG_PREFIX } from "./lifecyclePolicy";

/**
 * Tag mutability of a repository stevedore creates: every tag is immutable except stevedore's own
 * `src-<content hash>` tags. ECR refuses a push to an existing immutable tag even when it carries
 * the same digest, and the image resource re-pushes whenever its own inputs change (file modes in
 * the build context, `cacheFrom`, a re-created image after `rollback --unpin`), so with plain
 * `IMMUTABLE` such an `up` would fail until the sources changed. A `src-` tag names its sources,
 * and Deployments pin digests, never tags, so letting it be re-pushed loses nothing; release tags
 * someone adds by hand (`v1.2.0`) stay immutable.
 */
export const TAG_MUTABILITY = "IMMUTABLE_WITH_EXCLUSION";

/**
 * Promoted copies are tagged `promoted-<12 hex of their digest>` (components/image/copy.ts): a
 * re-push of one carries the same digest, so it must not be refused either.
 */
export const PROMOTED_TAG_PREFIX = "promoted-";

/**
 * The tag a buildx builder's registry cache is exported to on every build (components/image's
 * BUILD_CACHE_TAG): it moves by design, so an immutable one would refuse every export after the first.
 */
export const BUILD_CACHE_TAG = "buildcache";

/** The exclusion filters that keep stevedore's own tags re-pushable (ECR's only filter type is WILDCARD). */
export const MUTABLE_TAG_FILTERS = [
    ...[STEVEDORE_TAG_PREFIX, PROMOTED_TAG_PREFIX].map((prefix) => `${prefix}*`),
    BUILD_CACHE_TAG,
].map((filter) => ({ filter, filterType: "WILDCARD" }));

/** What an existing repository reports, as far as the push of a `src-` tag is concerned. */
export interface RepositoryMutability {
    imageTagMutability: string;
    imageTagMutabilityExclusionFilters: { filter: string; filterType: string }[];
}

/** Whether ECR lets a push overwrite an existing tag `tag` in a repository with these settings. */
export function tagIsMutable(repo: RepositoryMutability, tag: string): boolean {
    const excluded = repo.imageTagMutabilityExclusionFilters.some((f) => wildcardMatches(f.filter, tag));
    switch (repo.imageTagMutability) {
        case "MUTABLE":
            return true;
        case "IMMUTABLE":
            return false;
        case "IMMUTABLE_WITH_EXCLUSION":
            return excluded;
        case "MUTABLE_WITH_EXCLUSION":
            return !excluded;
        default:
            return false;
    }
}

/** Whether an ECR wildcard pattern (`*` matches any run of characters) matches all of `tag`. */
export function wildcardMatches(pattern: string, tag: string): boolean {
    const escaped = pattern.split("*").map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    return new RegExp(`^${escaped.join(".*")}$`).test(tag);
}
