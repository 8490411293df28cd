import { Target, TARGETS } from "./spec";

/** Knobs for quick runs; the defaults are the full benchmark that docs/benchmarks.md records. */
export interface BenchOptions {
    runs: number;
    ns: number[];
    targets: Target[];
    /** Refresh the results section of docs/benchmarks.md. */
    write: boolean;
    /** Directory for `node --cpu-prof` output of every child; profiled timings are not written to the docs. */
    cpuProfDir?: string;
    /** The knobs that differ from the defaults, to print with the command. */
    knobs: string[];
}

const DEFAULT_NS = [1, 10, 50, 200];

function list(name: string, fallback: string): string[] {
    return (process.env[name] ?? fallback)
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "");
}

export function readOptions(): BenchOptions {
    const runs = Number(process.env.BENCH_RUNS ?? "5");
    if (!Number.isInteger(runs) || runs < 1)
        throw new Error(`BENCH_RUNS=${process.env.BENCH_RUNS}: must be a whole number ≥ 1`);
    const ns = list("BENCH_NS", DEFAULT_NS.join(",")).map(Number);
    if (ns.length === 0 || ns.some((n) => !Number.isInteger(n) || n < 1 || n > 999))
        throw new Error(`BENCH_NS=${process.env.BENCH_NS}: must be whole numbers from 1 to 999, comma-separated`);
    const targets = list("BENCH_TARGETS", TARGETS.join(","));
    const unknown = targets.filter((t) => !TARGETS.some((k) => k === t));
    if (unknown.length > 0 || targets.length === 0)
        throw new Error(`BENCH_TARGETS=${process.env.BENCH_TARGETS}: allowed targets are ${TARGETS.join(", ")}`);
    const cpuProfDir =
        process.env.BENCH_CPU_PROF === undefined || process.env.BENCH_CPU_PROF === ""
            ? undefined
            : process.env.BENCH_CPU_PROF;
    const knobs = ["BENCH_RUNS", "BENCH_NS", "BENCH_TARGETS", "BENCH_CPU_PROF"]
        .filter((k) => process.env[k] !== undefined)
        .map((k) => `${k}=${process.env[k]}`);
    return {
        runs,
        ns: [...new Set(ns)].sort((a, b) => a - b),
        targets: targets as Target[],
        // The profiler slows runs down, so profiled numbers never replace the recorded ones.
        write: process.env.BENCH_WRITE !== "0" && cpuProfDir === undefined,
        cpuProfDir,
        knobs,
    };
}
