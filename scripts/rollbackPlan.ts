/**
 * The deciding half of `npm run rollback` (scripts/rollback.ts), free of I/O so it is tested
 * directly: which digest an app goes back to, and where its entry sits in `stevedore:apps`.
 */
import * as path from "path";
import { DIGEST_REF } from "../components/config/pin";

export class RollbackError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "RollbackError";
    }
}

export interface RollbackArgs {
    stack: string;
    app: string;
    /** A digest reference, a `sha256:` prefix of one in the history, or how many deploys back (1 = the previous). */
    to?: string;
    /** Remove the pin instead: the app is built (or promoted) again. */
    unpin: boolean;
    /** Set the config but leave `pulumi up` to the user. */
    noUp: boolean;
    /** Run the up without the policy pack (the e2e's toolchain has no policy analyzer). */
    noPolicy: boolean;
    /** Passed on to `pulumi up` (e.g. `--yes`). */
    upArgs: string[];
}

export const USAGE =
    "usage: npm run rollback -- --stack <stack> <app> [--to <repo@sha256:… | sha256:prefix | N>] [--unpin] [--no-up] [--no-policy] [pulumi up flags, e.g. --yes]";

export function parseArgs(argv: readonly string[]): RollbackArgs {
    let stack: string | undefined;
    let to: string | undefined;
    let unpin = false;
    let noUp = false;
    let noPolicy = false;
    const positional: string[] = [];
    const upArgs: string[] = [];
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const value = () => {
            const next = argv[++i];
            if (next === undefined) throw new RollbackError(`${arg} needs a value; ${USAGE}`);
            return next;
        };
        if (arg === "--stack" || arg === "-s") stack = value();
        else if (arg === "--to") to = value();
        else if (arg === "--unpin") unpin = true;
        else if (arg === "--no-up") noUp = true;
        else if (arg === "--no-policy") noPolicy = true;
        else if (arg.startsWith("-")) upArgs.push(arg);
        else positional.push(arg);
    }
    if (stack === undefined || positional.length !== 1) throw new RollbackError(USAGE);
    if (unpin && to !== undefined) throw new RollbackError(`--unpin and --to exclude each other; ${USAGE}`);
    return { stack, app: positional[0], to, unpin, noUp, noPolicy, upArgs };
}

const record = (v: unknown): Record<string, unknown> =>
    v !== null && typeof v === "object" ? (v as Record<string, unknown>) : {};

export interface RollbackChoice {
    /** What the app runs now. */
    current: string;
    /** What it goes back to. */
    target: string;
    /** How many deploys back `target` is (1 = the previous one). */
    back: number;
}

/**
 * Picks the digest `app` goes back to from the stack's `apps` output: by default the most recent
 * digest other than the current one (so running it twice toggles, like `kubectl rollout undo`).
 */
export function chooseRollback(appsOutput: unknown, app: string, to?: string): RollbackChoice {
    const apps = record(appsOutput);
    const entry = record(apps[app]);
    if (apps[app] === undefined)
        throw new RollbackError(
            `app "${app}" is not in the stack's apps output (it has: ${Object.keys(apps).join(", ") || "none"})`,
        );
    const current = entry.image;
    if (typeof current !== "string")
        throw new RollbackError(`app "${app}" reports no image in the stack's apps output`);
    const history = (Array.isArray(entry.history) ? entry.history : [current]).filter(
        (r): r is string => typeof r === "string" && DIGEST_REF.test(r),
    );
    const shown = history.map((r, i) => `  ${i}: ${r}${r === current ? " (running)" : ""}`).join("\n");
    const pick = (index: number): RollbackChoice => ({ current, target: history[index], back: index });

    if (to === undefined) {
        const index = history.findIndex((r) => r !== current);
        if (index < 0) throw new RollbackError(`app "${app}" has no earlier digest recorded; its history:\n${shown}`);
        return pick(index);
    }
    if (/^\d+$/.test(to)) {
        const index = Number(to);
        if (index < 1 || index >= history.length)
            throw new RollbackError(
                `--to ${to}: the history of "${app}" reaches back ${history.length - 1} deploy(s):\n${shown}`,
            );
        return pick(index);
    }
    if (DIGEST_REF.test(to)) return { current, target: to, back: history.indexOf(to) };
    const matches = history.filter((r) => r.split("@")[1].startsWith(to));
    if (to.startsWith("sha256:") && matches.length === 1) return pick(history.indexOf(matches[0]));
    throw new RollbackError(
        `--to ${to}: must be a full <repository>@sha256:<64 hex digits>, a sha256:<prefix> matching exactly one digest of the history (${matches.length} match), or a number of deploys back; the history of "${app}":\n${shown}`,
    );
}

/** Index of `app` in the stack's `stevedore:apps` list, for the path key `stevedore:apps[<i>].image`. */
export function appIndex(appsConfig: unknown, app: string): number {
    const list = Array.isArray(appsConfig) ? appsConfig : [];
    const index = list.findIndex((entry) => record(entry).name === app);
    if (index < 0)
        throw new RollbackError(
            `app "${app}" is not in the stack's stevedore:apps (it has: ${list.map((e) => String(record(e).name)).join(", ") || "none"})`,
        );
    return index;
}

/** The value of `pulumi config get <key> --json`: structured values come parsed as objectValue. */
export function configJsonValue(output: string): unknown {
    const parsed = record(JSON.parse(output) as unknown);
    if (parsed.objectValue !== undefined) return parsed.objectValue;
    return typeof parsed.value === "string" ? (JSON.parse(parsed.value) as unknown) : parsed.value;
}

/**
 * The policy pack flags of the rollback's `pulumi up`, the same the workflows pass: the pack in
 * `policy/`, relaxed by `policy/config/local.json` for a local target only. A rollback deploys a
 * digest the pack has seen before, but the pin is a new input and the pack judges it like any other.
 */
export function policyPackArgs(root: string, target: unknown): string[] {
    const pack = ["--policy-pack", path.join(root, "policy")];
    return target === "local"
        ? [...pack, "--policy-pack-config", path.join(root, "policy", "config", "local.json")]
        : pack;
}
