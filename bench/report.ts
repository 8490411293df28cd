import * as fs from "fs";
import { BenchOptions } from "./options";
import { Measurement, ProgramKind, Target } from "./spec";
import { leastSquares, summarize, Summary } from "./stats";

/** All runs of one target at one N. */
export interface Cell {
    target: Target;
    n: number;
    runs: Record<ProgramKind, Measurement[]>;
}

export interface Machine {
    cpus: number;
    cpuModel: string;
    node: string;
    loadBefore: number[];
    loadAfter: number[];
    date: string;
    minutes: number;
}

/** The goal: stevedore at most 25% slower than the bare program. */
export const RATIO_GOAL = 1.25;

// The start marker is found by its tag alone, so its explanatory text may change.
const START_TAG = "<!-- bench:results:start";
const START = `${START_TAG} (written by \`npm run bench\`; edits inside are overwritten) -->`;
const END = "<!-- bench:results:end -->";

const ms = (v: number) => Math.round(v).toString();
const stat = (runs: Measurement[], key: keyof Measurement): Summary => summarize(runs.map((r) => r[key]));
const spread = (s: Summary) => `${ms(s.median)} (${ms(s.min)}–${ms(s.max)})`;
const ratioOf = (cell: Cell, key: keyof Measurement) =>
    stat(cell.runs.stevedore, key).median / stat(cell.runs.baseline, key).median;

function wallTable(cells: Cell[]): string[] {
    const rows = cells.map((c) => {
        const ratio = ratioOf(c, "wallMs");
        const rss = (p: ProgramKind) => stat(c.runs[p], "peakRssMb").median.toFixed(0);
        const regs = (p: ProgramKind) => c.runs[p][0]?.resources ?? 0;
        return `| ${c.target} | ${c.n} | ${spread(stat(c.runs.stevedore, "wallMs"))} | ${spread(stat(c.runs.baseline, "wallMs"))} | ${ratio.toFixed(2)} ${ratio <= RATIO_GOAL ? "✓" : "✗"} | ${rss("stevedore")} | ${rss("baseline")} | ${regs("stevedore")} / ${regs("baseline")} |`;
    });
    return [
        "| target | N | stevedore ms, median (min–max) | baseline ms, median (min–max) | ratio (goal ≤ 1.25) | stevedore peak RSS MB | baseline peak RSS MB | registrations (stevedore / baseline) |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
        ...rows,
    ];
}

function programTable(cells: Cell[]): string[] {
    const iqr = (s: Summary) => `${ms(s.median)} (IQR ${ms(s.q1)}–${ms(s.q3)})`;
    const rows = cells.map((c) => {
        const sdk = (p: ProgramKind) => ms(stat(c.runs[p], "sdkMs").median);
        return `| ${c.target} | ${c.n} | ${iqr(stat(c.runs.stevedore, "programMs"))} | ${iqr(stat(c.runs.baseline, "programMs"))} | ${ratioOf(c, "programMs").toFixed(2)} | ${sdk("stevedore")} / ${sdk("baseline")} |`;
    });
    return [
        "| target | N | stevedore program ms | baseline program ms | ratio | SDK preload ms (stevedore / baseline) |",
        "|---|--:|--:|--:|--:|--:|",
        ...rows,
    ];
}

/** Per target: the least-squares line of median wall time against N, and the cost of each step between Ns. */
function growthTable(cells: Cell[]): string[] {
    const targets = [...new Set(cells.map((c) => c.target))];
    const rows = targets.map((target) => {
        const own = cells.filter((c) => c.target === target);
        const xs = own.map((c) => c.n);
        const fit = (p: ProgramKind) =>
            leastSquares(
                xs,
                own.map((c) => stat(c.runs[p], "wallMs").median),
            );
        const s = fit("stevedore");
        const b = fit("baseline");
        const steps = own.slice(1).map((c, i) => {
            const prev = own[i];
            const step = (p: ProgramKind) =>
                (stat(c.runs[p], "wallMs").median - stat(prev.runs[p], "wallMs").median) / (c.n - prev.n);
            return `${prev.n}→${c.n}: ${step("stevedore").toFixed(1)} / ${step("baseline").toFixed(1)}`;
        });
        return `| ${target} | ${s.slope.toFixed(2)} | ${b.slope.toFixed(2)} | ${(s.slope / b.slope).toFixed(2)} | ${ms(s.intercept)} / ${ms(b.intercept)} | ${s.r2.toFixed(4)} / ${b.r2.toFixed(4)} | ${steps.join("; ") || "—"} |`;
    });
    return [
        "| target | stevedore ms/app | baseline ms/app | slope ratio | fixed ms (stevedore / baseline) | R² (stevedore / baseline) | ms/app between consecutive Ns (stevedore / baseline) |",
        "|---|--:|--:|--:|--:|--:|---|",
        ...rows,
    ];
}

export function renderResults(cells: Cell[], options: BenchOptions, machine: Machine): string {
    const command = [...options.knobs, "npm run bench"].join(" ");
    return [
        START,
        "",
        `Generated ${machine.date} by \`${command}\` in ${machine.minutes.toFixed(1)} min: ${options.runs} runs per program and N, each a fresh child process, stevedore and baseline interleaved.`,
        `Machine: ${machine.cpus} CPUs (\`nproc\`), ${machine.cpuModel}, Node ${machine.node}, load average ${machine.loadBefore.map((l) => l.toFixed(2)).join(" ")} before and ${machine.loadAfter.map((l) => l.toFixed(2)).join(" ")} after.`,
        "",
        "### Wall time: before the first SDK import until after `disconnect()`",
        "",
        ...wallTable(cells),
        "",
        "### Program time: importing and running the program, after the identical SDK preload",
        "",
        ...programTable(cells),
        "",
        "### Growth: least squares of median wall time against N",
        "",
        ...growthTable(cells),
        "",
        END,
    ].join("\n");
}

/** Replaces the generated section of the doc, keeping the hand-written text around it. */
export function writeResults(docPath: string, section: string): void {
    const doc = fs.existsSync(docPath) ? fs.readFileSync(docPath, "utf8") : "";
    const start = doc.indexOf(START_TAG);
    const end = doc.indexOf(END);
    const next =
        start >= 0 && end > start
            ? `${doc.slice(0, start)}${section}${doc.slice(end + END.length)}`
            : `${doc}${doc === "" ? "" : "\n"}## Results\n\n${section}\n`;
    fs.writeFileSync(docPath, next);
}
