/**
 * `ts-node bench/real/traces.ts <dir> [top]`: where the time of a traced `pulumi up` goes. Reads the
 * OpenTelemetry files `BENCH_TRACE_DIR=<dir> BENCH_WRITE=0 npm run bench:real` wrote (one per up:
 * n<N>-<program>-<phase>-run<R>.json, OTLP JSON lines) and prints, per N and phase, each span
 * name's count and its exclusive time (its duration minus the time covered by its children),
 * stevedore beside the bare program, averaged over runs: the rows where the two differ most first.
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
export function spanTotals(lines: string[]): Map<string, SpanTotals> {
    const spans = lines
        .filter((l) => l.trim() !== "")
        .flatMap((l) => (JSON.parse(l) as OtlpLine).resourceSpans ?? [])
        .flatMap((r) => r.scopeSpans ?? [])
        .flatMap((s) => s.spans ?? []);
    const ms = (nano: string) => Number(BigInt(nano) / 1000n) / 1000;
    const children = new Map<string, [number, number][]>();
    for (const s of spans) {
        if (s.parentSpanId === undefined || s.parentSpanId === "") continue;
        const list = children.get(s.parentSpanId) ?? [];
        list.push([ms(s.startTimeUnixNano), ms(s.endTimeUnixNano)]);
        children.set(s.parentSpanId, list);
    }
    const totals = new Map<string, SpanTotals>();
    for (const s of spans) {
        const [start, end] = [ms(s.startTimeUnixNano), ms(s.endTimeUnixNano)];
        const inside = (children.get(s.spanId) ?? []).map(([a, b]): [number, number] => [Math.max(a, start), Math.min(b, end)]);
        const own = end - start - covered(inside.filter(([a, b]) => b > a));
        const t = totals.get(s.name) ?? { count: 0, exclusiveMs: 0 };
        totals.set(s.name, { count: t.count + 1, exclusiveMs: t.exclusiveMs + own });
    }
    return totals;
}

function main(dir: string, top: number): void {
    const FILE = /^n(\d+)-(stevedore|bare)-(.+)-run(\d+)\.json$/;
    /** key "N phase" -> program -> runs' totals. */
    const groups = new Map<string, Map<string, Map<string, SpanTotals>[]>>();
    for (const file of fs.readdirSync(dir).sort()) {
        const m = FILE.exec(file);
        if (m === null) continue;
        const [, n, program, phase] = m;
        const key = `N = ${n}, ${phase.replace(/-/g, " ")}`;
        const byProgram = groups.get(key) ?? new Map<string, Map<string, SpanTotals>[]>();
        const runs = byProgram.get(program) ?? [];
        runs.push(spanTotals(fs.readFileSync(path.join(dir, file), "utf8").split("\n")));
        byProgram.set(program, runs);
        groups.set(key, byProgram);
    }
    if (groups.size === 0) throw new Error(`${dir}: no n<N>-<program>-<phase>-run<R>.json trace files`);
    const mean = (runs: Map<string, SpanTotals>[] | undefined, name: string, field: keyof SpanTotals) =>
        runs === undefined || runs.length === 0 ? 0 : runs.reduce((sum, r) => sum + (r.get(name)?.[field] ?? 0), 0) / runs.length;
    for (const [key, byProgram] of groups) {
        const [s, b] = [byProgram.get("stevedore"), byProgram.get("bare")];
        const names = new Set([...(s ?? []), ...(b ?? [])].flatMap((r) => [...r.keys()]));
        const rows = [...names]
            .map((name) => ({ name, s: mean(s, name, "exclusiveMs"), b: mean(b, name, "exclusiveMs"), sc: mean(s, name, "count"), bc: mean(b, name, "count") }))
            .sort((x, y) => Math.abs(y.s - y.b) - Math.abs(x.s - x.b))
            .slice(0, top);
        const sum = (runs: Map<string, SpanTotals>[] | undefined) => [...names].reduce((t, name) => t + mean(runs, name, "exclusiveMs"), 0);
        console.log(`\n### ${key} (runs: stevedore ${s?.length ?? 0}, bare ${b?.length ?? 0})\n`);
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
