/**
 * `ts-node bench/real/traces.ts <dir> [top]`: where the time of a traced `pulumi up` goes. Reads the
 * OpenTelemetry files `BENCH_TRACE_DIR=<dir> BENCH_WRITE=0 npm run bench:real` wrote (one per up:
 * n<N>-<program>-<phase>-run<R>.json, OTLP JSON lines) and prints, per N and phase, each span
 * name's count and its exclusive time (its duration minus the time covered by its children),
 * stevedore beside the bare program, averaged over runs: the rows where the two differ most first.
 * Before those, the same up cut into phases along its critical path (evaluationPhases).
 */
import * as fs from "fs";
import * as path from "path";

interface OtlpSpan {
    spanId: string;
    parentSpanId?: string;
    name: string;
    startTimeUnixNano: string;
    endTimeUnixNano: string;
}
interface OtlpLine {
    resourceSpans?: { scopeSpans?: { spans?: OtlpSpan[] }[] }[];
}

export interface SpanTotals {
    count: number;
    /** Milliseconds of the span's own time, children excluded. */
    exclusiveMs: number;
}

/** Length of the union of [start, end) intervals, in the intervals' unit. */
function covered(intervals: [number, number][]): number {
    let total = 0;
    let reach = -Infinity;
    for (const [start, end] of [...intervals].sort((a, b) => a[0] - b[0])) {
        if (end <= reach) continue;
        total += end - Math.max(start, reach);
        reach = end;
    }
    return total;
}

/** Per span name: how often it ran and its exclusive milliseconds, over all spans of one trace file. */
export function spanTotals(spans: Span[]): Map<string, SpanTotals> {
    const children = new Map<string, [number, number][]>();
    for (const s of spans) {
        if (s.parent === "") continue;
        const list = children.get(s.parent) ?? [];
        list.push([s.start, s.end]);
        children.set(s.parent, list);
    }
    const totals = new Map<string, SpanTotals>();
    for (const s of spans) {
        const inside = (children.get(s.id) ?? []).map(([a, b]): [number, number] => [Math.max(a, s.start), Math.min(b, s.end)]);
        const own = s.end - s.start - covered(inside.filter(([a, b]) => b > a));
        const t = totals.get(s.name) ?? { count: 0, exclusiveMs: 0 };
        totals.set(s.name, { count: t.count + 1, exclusiveMs: t.exclusiveMs + own });
    }
    return totals;
}

/** One span, start and end in milliseconds. */
export interface Span {
    id: string;
    /** The parent span's id; "" for a root span. */
    parent: string;
    name: string;
    start: number;
    end: number;
}

/** The spans of one trace file (OTLP JSON lines), parsed once for every summary of it. */
export function parseSpans(lines: string[]): Span[] {
    const ms = (nano: string) => Number(BigInt(nano) / 1000n) / 1000;
    return lines
        .filter((l) => l.trim() !== "")
        .flatMap((l) => (JSON.parse(l) as OtlpLine).resourceSpans ?? [])
        .flatMap((r) => r.scopeSpans ?? [])
        .flatMap((s) => s.spans ?? [])
        .map((s) => ({ id: s.spanId, parent: s.parentSpanId ?? "", name: s.name, start: ms(s.startTimeUnixNano), end: ms(s.endTimeUnixNano) }));
}

/** One evaluation of the program (the preview's, then the update's), cut where its registrations begin. */
export interface EvaluationPhases {
    /** From the language host starting node until the SDK registers the root Stack: node and the SDK loading. */
    startupMs: number;
    /** From the root Stack until the program registers its first own resource: its modules, config and reads. */
    programMs: number;
    /** From there until node exits: registrations, the providers' checks, diffs and changes, and their waits. */
    registrationsMs: number;
}

export interface UpPhases {
    /** The CLI command's span: the whole `pulumi up`. */
    totalMs: number;
    evaluations: EvaluationPhases[];
    /** The whole up less its evaluations: CLI start, plugin loads before the program, state, exit. */
    outsideMs: number;
}

/** Registrations as the engine's gRPC server traces them (the names with a leading slash are its request log). */
const REGISTER = "pulumirpc.ResourceMonitor/RegisterResource";

/** A traced up along its critical path: the time outside the program, and each evaluation in three parts. */
export function evaluationPhases(spans: Span[]): UpPhases {
    const command = spans.find((s) => s.name === "pulumi" && s.parent === "");
    if (command === undefined) throw new Error("no root `pulumi` span: not a trace of a CLI command");
    const runs = spans.filter((s) => s.name === "execNodejs").sort((a, b) => a.start - b.start);
    const evaluations = runs.map((run): EvaluationPhases => {
        const registrations = spans
            .filter((s) => s.name === REGISTER && s.start >= run.start && s.end <= run.end)
            .map((s) => s.start)
            .sort((a, b) => a - b);
        if (registrations.length < 2) throw new Error(`the evaluation at ${run.start} ms registered ${registrations.length} resource(s); expected the Stack and more`);
        const [stack, first] = registrations;
        return { startupMs: stack - run.start, programMs: first - stack, registrationsMs: run.end - first };
    });
    const totalMs = command.end - command.start;
    const inPrograms = runs.reduce((sum, r) => sum + (r.end - r.start), 0);
    return { totalMs, evaluations, outsideMs: totalMs - inPrograms };
}

interface TracedUp {
    totals: Map<string, SpanTotals>;
    phases: UpPhases;
}

const meanOf = (values: number[]) => (values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length);

/** The critical-path phases of one N and phase, stevedore beside the bare program, in mean milliseconds. */
function printPhases(s: TracedUp[], b: TracedUp[]): void {
    const rows: [string, (p: UpPhases) => number][] = [
        ["whole `pulumi up`", (p) => p.totalMs],
        ["outside the program: CLI start, plugins, state, exit", (p) => p.outsideMs],
    ];
    ["preview", "update"].forEach((evaluation, i) => {
        rows.push([`${evaluation}: node and the SDK start`, (p) => p.evaluations[i]?.startupMs ?? 0]);
        rows.push([`${evaluation}: program until its first resource`, (p) => p.evaluations[i]?.programMs ?? 0]);
        rows.push([`${evaluation}: registrations until the program exits`, (p) => p.evaluations[i]?.registrationsMs ?? 0]);
    });
    console.log("| phase | stevedore ms | bare ms | difference ms |");
    console.log("|---|--:|--:|--:|");
    for (const [label, pick] of rows) {
        const [sv, bv] = [meanOf(s.map((t) => pick(t.phases))), meanOf(b.map((t) => pick(t.phases)))];
        console.log(`| ${label} | ${sv.toFixed(0)} | ${bv.toFixed(0)} | ${(sv - bv).toFixed(0)} |`);
    }
}

function main(dir: string, top: number): void {
    const FILE = /^n(\d+)-(stevedore|bare)-(.+)-run(\d+)\.json$/;
    /** key "N phase" -> program -> its traced runs. */
    const groups = new Map<string, Map<string, TracedUp[]>>();
    for (const file of fs.readdirSync(dir).sort()) {
        const m = FILE.exec(file);
        if (m === null) continue;
        const [, n, program, phase] = m;
        const key = `N = ${n}, ${phase.replace(/-/g, " ")}`;
        const spans = parseSpans(fs.readFileSync(path.join(dir, file), "utf8").split("\n"));
        const byProgram = groups.get(key) ?? new Map<string, TracedUp[]>();
        byProgram.set(program, [...(byProgram.get(program) ?? []), { totals: spanTotals(spans), phases: evaluationPhases(spans) }]);
        groups.set(key, byProgram);
    }
    if (groups.size === 0) throw new Error(`${dir}: no n<N>-<program>-<phase>-run<R>.json trace files`);
    const mean = (runs: Map<string, SpanTotals>[], name: string, field: keyof SpanTotals) => meanOf(runs.map((r) => r.get(name)?.[field] ?? 0));
    for (const [key, byProgram] of groups) {
        const [st, bt] = [byProgram.get("stevedore") ?? [], byProgram.get("bare") ?? []];
        const [s, b] = [st.map((t) => t.totals), bt.map((t) => t.totals)];
        const names = new Set([...s, ...b].flatMap((r) => [...r.keys()]));
        const rows = [...names]
            .map((name) => ({ name, s: mean(s, name, "exclusiveMs"), b: mean(b, name, "exclusiveMs"), sc: mean(s, name, "count"), bc: mean(b, name, "count") }))
            .sort((x, y) => Math.abs(y.s - y.b) - Math.abs(x.s - x.b))
            .slice(0, top);
        const sum = (runs: Map<string, SpanTotals>[]) => [...names].reduce((t, name) => t + mean(runs, name, "exclusiveMs"), 0);
        console.log(`\n### ${key} (runs: stevedore ${st.length}, bare ${bt.length})\n`);
        printPhases(st, bt);
        console.log("");
        console.log("| span | stevedore ms (count) | bare ms (count) | difference ms |");
        console.log("|---|--:|--:|--:|");
        for (const r of rows) console.log(`| \`${r.name}\` | ${r.s.toFixed(0)} (${r.sc.toFixed(0)}) | ${r.b.toFixed(0)} (${r.bc.toFixed(0)}) | ${(r.s - r.b).toFixed(0)} |`);
        console.log(`| sum of exclusive times (spans run concurrently: not wall time) | ${sum(s).toFixed(0)} | ${sum(b).toFixed(0)} | ${(sum(s) - sum(b)).toFixed(0)} |`);
    }
}

if (require.main === module) {
    const [dir, top] = process.argv.slice(2);
    if (dir === undefined) {
        console.error("usage: ts-node bench/real/traces.ts <BENCH_TRACE_DIR> [rows per table, default 15]");
        process.exit(2);
    }
    main(dir, Number(top ?? 15));
}
