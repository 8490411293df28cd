import { z } from "zod";

/** `<repository>@sha256:<64 hex>`: the only image reference stevedore deploys. */
export const DIGEST_REF = /^[^@\s]+@sha256:[0-9a-f]{64}$/;

const EXPECTED = "<repository>@sha256:<64 hex digits>, as `pulumi stack output apps` reports it";

/** Why `ref` is not a digest reference, in words a user can act on; undefined when it is one. */
export function imageRefProblem(ref: string): string | undefined {
    if (DIGEST_REF.test(ref)) return undefined;
    const at = ref.indexOf("@");
    if (at < 0) {
        const lastSlash = ref.lastIndexOf("/");
        const tag = ref.lastIndexOf(":") > lastSlash ? ref.slice(ref.lastIndexOf(":") + 1) : undefined;
        // A tag can be moved to other bytes after review; only a digest names one image for good.
        return tag === undefined
            ? `names no digest (a bare repository means :latest); must be ${EXPECTED}`
            : `is a tag (:${tag}), which can move; must be pinned by digest: ${EXPECTED}`;
    }
    const digest = ref.slice(at + 1);
    if (!digest.startsWith("sha256:")) return `must use a sha256 digest; must be ${EXPECTED}`;
    const hex = digest.slice("sha256:".length);
    if (!/^[0-9a-f]*$/.test(hex)) return `digest has characters other than lowercase hex; must be ${EXPECTED}`;
    return `digest has ${hex.length} hex digit(s), not 64 (a shortened digest is not unique); must be ${EXPECTED}`;
}

/** `stevedore:apps[i].image`: deploy this digest and build nothing for the app. */
export const pinnedImage = z.string().superRefine((ref, ctx) => {
    const problem = imageRefProblem(ref);
    if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
});

/** `stevedore:promoteFrom`: the fully qualified stack whose `apps` output this stack deploys. */
export const promoteFrom = z.string().regex(/^[A-Za-z0-9._-]+\/[A-Za-z0-9._-]+\/[A-Za-z0-9._-]+$/, {
    message:
        "must be a fully qualified stack name <org>/<project>/<stack> (on a file or cloud-storage backend the org is `organization`, e.g. organization/stevedore/dev)",
});

/** A top-level flag: the engine hands top-level config to the program as text, so "true"/"false" count too. */
export const flag = z.preprocess((v) => (v === "true" ? true : v === "false" ? false : v), z.boolean());

/** Whether an app's image is built from its sources here (not pinned, not promoted from another stack). */
export function buildsFromSource(app: { image?: string }, promoteFromStack: string | undefined): boolean {
    return app.image === undefined && promoteFromStack === undefined;
}

/** Registry host of an image reference, the way Docker resolves it (`backend@sha256:…` lives on docker.io). */
export function registryHost(ref: string): string {
    const name = ref.split("@")[0];
    const first = name.split("/")[0];
    const isHost = name.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
    if (!isHost) return "docker.io";
    return ["index.docker.io", "registry-1.docker.io"].includes(first) ? "docker.io" : first;
}
