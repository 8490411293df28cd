/** One image in a mock ECR repository: its tags and when it was pushed (larger is newer). */
export interface EcrImage {
    digest: string;
    tags: string[];
    pushedAt: number;
}

interface Rule {
    rulePriority: number;
    selection: {
        tagStatus: "tagged" | "untagged" | "any";
        tagPrefixList?: string[];
        tagPatternList?: string[];
        countType: "imageCountMoreThan" | "sinceImagePushed";
        countNumber: number;
    };
}

const matchesPattern = (pattern: string, tag: string) =>
    new RegExp(
        `^${pattern
            .split("*")
            .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
            .join(".*")}$`,
    ).test(tag);

/**
 * ECR's lifecycle evaluation, written from AWS's lifecycle policy documentation apart from
 * stevedore's code: rules run by priority; a tagged rule selects an image when, for every entry of
 * its list, one of the image's tags matches (so one matching tag is enough for a one-entry list);
 * an image a rule selected cannot be expired by a rule of lower priority; imageCountMoreThan
 * expires the selected images beyond the newest N. Returns the digests that would expire
 * (`sinceImagePushed` rules are evaluated as of `now`, in days).
 */
export function evaluateLifecycle(policy: string, images: EcrImage[], now = 0): string[] {
    const rules = (JSON.parse(policy) as { rules: Rule[] }).rules.sort((a, b) => a.rulePriority - b.rulePriority);
    const claimed = new Set<string>();
    const expired = new Set<string>();
    for (const rule of rules) {
        const sel = rule.selection;
        const selected = images.filter((image) => {
            if (claimed.has(image.digest)) return false;
            if (sel.tagStatus === "untagged") return image.tags.length === 0;
            if (sel.tagStatus === "any") return true;
            const prefixes = sel.tagPrefixList ?? [];
            const patterns = sel.tagPatternList ?? [];
            return (
                image.tags.length > 0 &&
                prefixes.every((p) => image.tags.some((t) => t.startsWith(p))) &&
                patterns.every((p) => image.tags.some((t) => matchesPattern(p, t)))
            );
        });
        selected.forEach((image) => claimed.add(image.digest));
        const newestFirst = [...selected].sort((a, b) => b.pushedAt - a.pushedAt);
        const doomed =
            sel.countType === "imageCountMoreThan"
                ? newestFirst.slice(sel.countNumber)
                : newestFirst.filter((image) => now - image.pushedAt > sel.countNumber);
        doomed.forEach((image) => expired.add(image.digest));
    }
    return images.filter((image) => expired.has(image.digest)).map((image) => image.digest);
}
