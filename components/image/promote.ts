import * as pulumi from "@pulumi/pulumi";
import { DIGEST_REF } from "../config/pin";
import { settled } from "./settled";

/**
 * A promotion that cannot go ahead: the source stack lacks an app or reports no digest for it.
 * A RunError, so the CLI prints the message alone, like a ConfigError.
 */
export class PromotionError extends pulumi.RunError {
    constructor(message: string) {
        super(message);
        this.name = "PromotionError";
        this.stack = `${this.name}: ${this.message}`;
    }
}

const record = (v: unknown): Record<string, unknown> =>
    v !== null && typeof v === "object" ? (v as Record<string, unknown>) : {};

/**
 * The digest reference (`repo@sha256:…`) that stack `source` reports for each of `apps`, read
 * from its `apps` output through a StackReference. Awaited before any other resource is
 * registered, so a missing app fails the update with nothing created.
 */
export async function readPromotion(source: string, apps: string[]): Promise<Map<string, string>> {
    const ref = new pulumi.StackReference("promote-source", { name: source });
    const outputs = await settled(ref.outputs);
    const reported = outputs.known ? record(outputs.value).apps : undefined;
    const key = `stevedore:promoteFrom = ${JSON.stringify(source)}`;
    if (reported === undefined) {
        throw new PromotionError(
            `${key}: that stack has no apps output; run \`pulumi up\` on it first (and check the name: <org>/<project>/<stack>)`,
        );
    }
    const available = Object.keys(record(reported));
    const problems: string[] = [];
    const refs = new Map<string, string>();
    for (const app of apps) {
        const image = record(record(reported)[app]).image;
        if (image === undefined) {
            problems.push(
                `app "${app}" is not in that stack's apps output (it has: ${available.join(", ") || "none"}); deploy it there first, or pin it here with stevedore:apps[].image`,
            );
        } else if (typeof image !== "string" || !DIGEST_REF.test(image)) {
            problems.push(
                `app "${app}": that stack reports image ${JSON.stringify(image)}, not <repository>@sha256:<64 hex digits>`,
            );
        } else {
            refs.set(app, image);
        }
    }
    if (problems.length > 0)
        throw new PromotionError(
            `Cannot promote (nothing was created):\n${problems.map((p) => `  - ${key}: ${p}`).join("\n")}`,
        );
    return refs;
}
