import * as assert from "assert";
import fc from "fast-check";
import { Generated } from "./mutations";
import { Verdict } from "./verdicts";

/** Seed and counts of the property suite: fixed by default (CI), overridable to explore. */
export const SEED = Number(process.env.STEVEDORE_PROPERTY_SEED ?? 16);
export const RUNS = Number(process.env.STEVEDORE_PROPERTY_RUNS ?? 10000);
/** Valid configs per variant run through the whole program (an invalid one costs ~1 ms, a valid one ~250 ms). */
export const SAMPLE = Number(process.env.STEVEDORE_PROPERTY_SAMPLE ?? 4);

interface Tally {
    tried: number;
    rejected: number;
    accepted: number;
    warned: number;
}

/** Counts per level (loader, program) and the counterexamples found, printed when the suite ends. */
export class PropertyReport {
    private readonly tallies = new Map<string, Tally>();
    public readonly variants = new Set<string>();
    public readonly mutations = new Set<string>();
    public readonly counterexamples: string[] = [];
    private started = Date.now();

    /** Starts the clock when the suite starts (mocha loads every spec file before running any). */
    start(): void {
        this.started = Date.now();
    }

    count(level: string, c: Generated, verdict: Verdict): void {
        const t = this.tallies.get(level) ?? { tried: 0, rejected: 0, accepted: 0, warned: 0 };
        t.tried += 1;
        t[verdict.outcome] += 1;
        if (c.expected.kind === "accept" && c.expected.plaintext.length > 0) t.warned += 1;
        this.tallies.set(level, t);
        this.variants.add(c.variant);
        if (c.expected.kind !== "accept") this.mutations.add(c.expected.mutation.split(" = ")[0]);
    }

    tally(level: string): Tally {
        return this.tallies.get(level) ?? { tried: 0, rejected: 0, accepted: 0, warned: 0 };
    }

    /** Fails the test with fast-check's report (seed, path, shrunk counterexample) when a property failed. */
    check<T>(details: fc.RunDetails<T>): void {
        if (!details.failed) return;
        const error =
            details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
        const message = `${fc.defaultReportMessage(details) ?? "property failed"}\nError: ${error}`;
        this.counterexamples.push(message);
        assert.fail(message);
    }

    text(): string {
        const rows = [...this.tallies].map(
            ([level, t]) =>
                `  ${level.padEnd(8)} tried ${t.tried}, rejected ${t.rejected}, accepted ${t.accepted} (of which ${t.warned} with plain-text credentials warned)`,
        );
        const found =
            this.counterexamples.length === 0
                ? "  counterexamples: none"
                : `  counterexamples:\n${this.counterexamples.map((c) => `    ${c.split("\n").join("\n    ")}`).join("\n")}`;
        return [
            `property report (seed ${SEED}, ${RUNS} loader runs, sample ${SAMPLE}/variant, ${((Date.now() - this.started) / 1000).toFixed(1)} s):`,
            ...rows,
            found,
        ].join("\n");
    }
}
