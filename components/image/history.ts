import * as pulumi from "@pulumi/pulumi";
import { DIGEST_REF } from "../config/pin";
import { settled } from "./settled";

/** How many digests each app's `history` output keeps, current first: the furthest a rollback can reach. */
export const HISTORY_LIMIT = 10;

/** `current` first, then the earlier digests, each once, at most HISTORY_LIMIT. */
export function nextHistory(current: string, previous: readonly string[]): string[] {
    return [current, ...previous.filter((ref) => ref !== current)].slice(0, HISTORY_LIMIT);
}

const record = (v: unknown): Record<string, unknown> =>
    v !== null && typeof v === "object" ? (v as Record<string, unknown>) : {};

/** The stack's organization; an engine that names none (a test or offline engine) gets the file backend's. */
function organization(): string {
    try {
        return pulumi.getOrganization();
    } catch {
        return "organization";
    }
}

/**
 * Each app's digest history as this stack's last update recorded it, read from the stack's own
 * outputs through a StackReference to itself: the rollback command picks from it, so no rebuild
 * and no extra state is needed. A stack with no earlier outputs has an empty history.
 */
export async function previousHistories(): Promise<Map<string, string[]>> {
    const self = `${organization()}/${pulumi.getProject()}/${pulumi.getStack()}`;
    const ref = new pulumi.StackReference("history", { name: self });
    const outputs = await settled(ref.outputs);
    const apps = record(outputs.known ? record(outputs.value).apps : undefined);
    return new Map(
        Object.entries(apps).map(([name, app]) => {
            const { history, image } = record(app);
            // Outputs written before the history existed still name the digest that was running.
            const refs = Array.isArray(history) ? history : [image];
            return [name, refs.filter((r): r is string => typeof r === "string" && DIGEST_REF.test(r))];
        }),
    );
}
