/** Tag prefix of the images stevedore pushes (`src-<content hash>`, see AppImage). */
export const STEVEDORE_TAG_PREFIX = "src-";

export interface LifecycleSettings {
    /** Days an untagged image (a layer of an old push, an interrupted push) is kept. */
    untaggedExpiryDays: number;
    /** How many of stevedore's own `src-` images to keep, newest first: the rollback window. */
    keepLast: number;
}

/**
 * The ECR lifecycle policy document for a stevedore repository.
 *
 * The count rule selects `tagPrefixList: ["src-"]` rather than `tagStatus: any`: it only ever
 * expires images stevedore itself pushed, so a release someone tagged by hand (`v1.2.0`) is never
 * deleted behind their back, and the untagged rule keeps its own, shorter clock.
 */
export function lifecyclePolicy(settings: LifecycleSettings): string {
    return JSON.stringify({
        rules: [
            {
                rulePriority: 1,
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
                rulePriority: 2,
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
