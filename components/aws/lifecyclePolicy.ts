/** Tag prefix of the images stevedore pushes (`src-<content hash>`, see AppImage). */
export const STEVEDORE_TAG_PREFIX = "src-";

export interface LifecycleSettings {
    /** Days an untagged image (a layer of an old push, an interrupted push) is kept. */
    untaggedExpiryDays: number;
    /** How many of stevedore's own `src-` images to keep, newest first: the rollback window. */
    keepLast: number;
    /** Tag patterns (ECR wildcards) of images never to expire, such as release tags added by hand. */
    keepTags: string[];
}

/** ECR's count rules need a number; this many images per kept pattern is "all of them" in practice. */
export const KEEP_ALL = 9999;

/**
 * The ECR lifecycle policy document for a stevedore repository.
 *
 * ECR selects an image for a rule when any of its tags matches, so the `src-` count rule would also
 * expire an image someone tagged `v1.2.0` by hand next to its `src-` tag. An image a rule selects
 * cannot be expired by a rule of lower priority, so each `keepTags` pattern gets a rule of its own
 * first (one per pattern: a list in one rule would need all of them), which only expires beyond
 * KEEP_ALL images. The untagged rule keeps its own, shorter clock.
 */
export function lifecyclePolicy(settings: LifecycleSettings): string {
    const keep = settings.keepTags.map((pattern, i) => ({
        rulePriority: i + 1,
        description: `Keep images tagged ${pattern} (stevedore:aws.registry.keepTags)`,
        selection: {
            tagStatus: "tagged",
            tagPatternList: [pattern],
            countType: "imageCountMoreThan",
            countNumber: KEEP_ALL,
        },
        action: { type: "expire" },
    }));
    const next = keep.length + 1;
    return JSON.stringify({
        rules: [
            ...keep,
            {
                rulePriority: next,
                description: `Expire untagged images ${settings.untaggedExpiryDays} day(s) after they were pushed`,
                selection: {
                    tagStatus: "untagged",
                    countType: "sinceImagePushed",
                    countUnit: "days",
                    countNumber: settings.untaggedExpiryDays,
                },
                action: { type: "expire" },
            },
            {
                rulePriority: next + 1,
                description: `Keep the last ${settings.keepLast} images stevedore pushed (${STEVEDORE_TAG_PREFIX}* tags)`,
                selection: {
                    tagStatus: "tagged",
                    tagPrefixList: [STEVEDORE_TAG_PREFIX],
                    countType: "imageCountMoreThan",
                    countNumber: settings.keepLast,
                },
                action: { type: "expire" },
            },
        ],
    });
}
