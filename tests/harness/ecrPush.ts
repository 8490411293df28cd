import { repositoryOf } from "./mocks";

/** A repository's tag mutability as ECR stores it. */
export interface EcrMutability {
    mode: string;
    filters: string[];
}

/**
 * ECR's rule for a push to a tag the repository already holds (ImageTagAlreadyExistsException),
 * written from AWS's image-tag-mutability page, apart from stevedore's own code: IMMUTABLE refuses
 * it whatever the digest, `*_WITH_EXCLUSION` flips the mode for tags that match a wildcard filter.
 */
export class MockEcrTags {
    private readonly mutability = new Map<string, EcrMutability>();

    /** `held`: repository name -> tags an earlier `up` already pushed there. */
    constructor(private readonly held: Record<string, string[]> = {}) {}

    /** Records a repository's settings as CreateRepository (or an existing one) has them. */
    repository(name: string, mode: unknown, filters: unknown): void {
        const list = Array.isArray(filters) ? filters : [];
        this.mutability.set(name, {
            mode: typeof mode === "string" ? mode : "MUTABLE",
            filters: list.map((f) => String((f as { filter?: unknown }).filter)),
        });
    }

    /** Throws what ECR answers when `imageName` (`host/repo:tag`) may not be pushed. */
    push(imageName: string): void {
        const repoUrl = repositoryOf(imageName);
        const tag = imageName.slice(repoUrl.length + 1);
        const name = repoUrl.split("/").slice(1).join("/");
        const settings = this.mutability.get(name);
        if (settings === undefined || !(this.held[name] ?? []).includes(tag)) return;
        const matches = settings.filters.some((f) => new RegExp(`^${f.split("*").map(escape).join(".*")}$`).test(tag));
        const immutable =
            settings.mode === "IMMUTABLE" ||
            (settings.mode === "IMMUTABLE_WITH_EXCLUSION" && !matches) ||
            (settings.mode === "MUTABLE_WITH_EXCLUSION" && matches);
        if (immutable)
            throw new Error(
                `ImageTagAlreadyExistsException: The image tag '${tag}' already exists in the '${name}' repository and cannot be overwritten because the tag is immutable.`,
            );
    }
}

function escape(text: string): string {
    return text.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
}
