import * as assert from "assert";
import { evaluationPhases, parseSpans, spanTotals } from "../bench/real/traces";

/** One OTLP JSON line as the CLI's file exporter writes it; times in milliseconds from 0. */
function line(spans: { id: string; parent?: string; name: string; start: number; end: number }[]): string {
    const nano = (ms: number) => String(BigInt(ms) * 1_000_000n);
    return JSON.stringify({
        resourceSpans: [
            {
                scopeSpans: [
                    {
                        spans: spans.map((s) => ({
                            spanId: s.id,
                            parentSpanId: s.parent ?? "",
                            name: s.name,
                            startTimeUnixNano: nano(s.start),
                            endTimeUnixNano: nano(s.end),
                        })),
                    },
                ],
            },
        ],
    });
}

describe("bench:real trace summary (bench/real/traces.ts)", () => {
    it("gives each span its own time: children excluded, overlapping children counted once", () => {
        const totals = spanTotals(
            parseSpans([
                line([
                    { id: "r", name: "up", start: 0, end: 1000 },
                    // Two concurrent registrations overlapping on 200-300: together they cover 100-400.
                    { id: "a", parent: "r", name: "register", start: 100, end: 300 },
                    { id: "b", parent: "r", name: "register", start: 200, end: 400 },
                ]),
                "",
                // A child in another line (the exporter writes batches), sticking out past its parent's end.
                line([{ id: "c", parent: "r", name: "write", start: 900, end: 1100 }]),
            ]),
        );
        assert.deepStrictEqual(totals.get("up"), { count: 1, exclusiveMs: 1000 - 300 - 100 });
        assert.deepStrictEqual(totals.get("register"), { count: 2, exclusiveMs: 400 });
        assert.deepStrictEqual(totals.get("write"), { count: 1, exclusiveMs: 200 });
    });

    it("cuts an up into the time outside the program and, per evaluation, startup, program and registrations", () => {
        const REGISTER = "pulumirpc.ResourceMonitor/RegisterResource";
        const phases = evaluationPhases(
            parseSpans([
                line([
                    { id: "cmd", name: "pulumi", start: 0, end: 10_000 },
                    // Preview: node starts at 500, registers the Stack at 1700, its first resource at 3000, exits at 4500.
                    { id: "p", parent: "cmd", name: "execNodejs", start: 500, end: 4500 },
                    { id: "p1", parent: "p", name: REGISTER, start: 1700, end: 1702 },
                    { id: "p2", parent: "p", name: REGISTER, start: 3000, end: 3200 },
                    // The request log's twin of a registration, and a read before the first resource: neither starts a phase.
                    { id: "p3", parent: "p", name: `/${REGISTER}`, start: 1000, end: 1001 },
                    { id: "p4", parent: "p", name: "pulumirpc.ResourceMonitor/ReadResource", start: 2000, end: 2100 },
                ]),
                line([
                    { id: "u", parent: "cmd", name: "execNodejs", start: 5000, end: 9500 },
                    { id: "u2", parent: "u", name: REGISTER, start: 7500, end: 9000 },
                    { id: "u1", parent: "u", name: REGISTER, start: 6000, end: 6001 },
                ]),
            ]),
        );
        assert.deepStrictEqual(phases, {
            totalMs: 10_000,
            outsideMs: 10_000 - 4000 - 4500,
            evaluations: [
                { startupMs: 1200, programMs: 1300, registrationsMs: 1500 },
                { startupMs: 1000, programMs: 1500, registrationsMs: 2000 },
            ],
        });
    });

    it("refuses a trace that is not of a CLI command, or an evaluation that registered only its Stack", () => {
        assert.throws(
            () => evaluationPhases(parseSpans([line([{ id: "x", name: "execNodejs", start: 0, end: 1 }])])),
            /no root `pulumi` span/,
        );
        assert.throws(
            () =>
                evaluationPhases(
                    parseSpans([
                        line([
                            { id: "cmd", name: "pulumi", start: 0, end: 100 },
                            { id: "p", parent: "cmd", name: "execNodejs", start: 10, end: 90 },
                            {
                                id: "p1",
                                parent: "p",
                                name: "pulumirpc.ResourceMonitor/RegisterResource",
                                start: 20,
                                end: 21,
                            },
                        ]),
                    ]),
                ),
            /registered 1 resource\(s\)/,
        );
    });
});
