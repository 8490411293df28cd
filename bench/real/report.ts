import * as fs from "fs";
import * as os from "os";
import { leastSquares, summarize } from "../stats";

/** One measured command. */
export interface Sample {
    n: number;
    program: string;
    phase: "first up" | "no-op up" | "one-app change";
    run: number;
    seconds: number;
    /** Image pushes the Docker engine recorded during it. */
    pushes: number;
}

const START = "<!-- bench:real:start (written by `npm run bench:real`; edits inside are overwritten) -->";
const END = "<!-- bench:real:end -->";
const PHASES: Sample["phase"][] = ["first up", "no-op up", "one-app change"];

const median = (xs: number[]) => summarize(xs).median;
const fmt = (s: number) => s.toFixed(2);

/** Markdown: medians, ratios within this run, push counts, and growth in N. */
export function renderReal(samples: Sample[], options: { runs: number; warmup: number; ns: number[] }): string {
    const pick = (n: number, program: string, phase: string) => samples.filter((s) => s.n === n && s.program === program && s.phase === phase);
    const med = (n: number, program: string, phase: string) => median(pick(n, program, phase).map((s) => s.seconds));
    const pushRange = (list: Sample[]) => {
        const counts = [...new Set(list.map((s) => s.pushes))].sort((a, b) => a - b);
        return counts.join("/");
    };
    const lines = [
        START,
        "",
        `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "unknown CPU"}), ` +
            `${options.runs} interleaved runs per cell after ${options.warmup} warm-up run; seconds are medians of wall time.`,
        "",
        "| N | phase | stevedore | bare program | raw floor | stevedore / bare | stevedore / raw | pushes (stevedore, bare) |",
        "|---|---|---|---|---|---|---|---|",
    ];
    for (const n of options.ns) {
        for (const phase of PHASES) {
            const stv = med(n, "stevedore", phase);
            const bare = med(n, "bare", phase);
            const rawSamples = pick(n, "raw", phase);
            const raw = rawSamples.length > 0 ? median(rawSamples.map((s) => s.seconds)) : undefined;
            lines.push(
                `| ${n} | ${phase} | ${fmt(stv)} | ${fmt(bare)} | ${raw === undefined ? "" : fmt(raw)} | ${(stv / bare).toFixed(2)} | ${raw === undefined ? "" : (stv / raw).toFixed(2)} | ${pushRange(pick(n, "stevedore", phase))}, ${pushRange(pick(n, "bare", phase))} |`,
            );
        }
    }
    lines.push("", "Growth in N (least squares over the medians):", "", "| program | phase | seconds per app | fixed seconds | R² |", "|---|---|---|---|---|");
    for (const program of ["stevedore", "bare"]) {
        for (const phase of PHASES) {
            const fit = leastSquares(options.ns, options.ns.map((n) => med(n, program, phase)));
            lines.push(`| ${program} | ${phase} | ${fmt(fit.slope)} | ${fmt(fit.intercept)} | ${fit.r2.toFixed(3)} |`);
        }
    }
    lines.push("", END);
    return lines.join("\n");
}

/** Replaces the generated real-engine section of the doc (or appends it). */
export function writeReal(docPath: string, section: string): void {
    const doc = fs.readFileSync(docPath, "utf8");
    const start = doc.indexOf(START);
    const end = doc.indexOf(END);
    const next = start >= 0 && end > start ? `${doc.slice(0, start)}${section}${doc.slice(end + END.length)}` : `${doc}\n## Real engine: results\n\n${section}\n`;
    fs.writeFileSync(docPath, next);
}
