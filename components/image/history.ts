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
 * This stack's outputs as its last update recorded them, read through a StackReference to itself
 * (empty for a new stack). The program reads them once, first and alone (index.ts says why).
 */
export async function previousOutputs(): Promise<Record<string, unknown>> {
    const self = `${organization()}/${pulumi.getProject()}/${pulumi.getStack()}`;
    const ref = new pulumi.StackReference("history", { name: self });
    const outputs = await settled(ref.outputs);
    return outputs.known ? record(outputs.value) : {};
}

/**
 * Each app's digest history from the stack's last outputs: the rollback command picks from it, so
 * no rebuild and no extra state is needed. A stack with no earlier outputs has an empty history.
 */
export function historiesFrom(outputs: Record<string, unknown>): Map<string, string[]> {
    const apps = record(outputs.apps);
    return new Map(
        Object.entries(apps).map(([name, app]) => {
            const { history, image } = record(app);
            // Outputs written before the history existed still name the digest that was running.
            const refs = Array.isArray(history) ? history : [image];
            return [name, refs.filter((r): r is string => typeof r === "string" && DIGEST_REF.test(r))];
        }),
    );
}
