import * as assert from "assert";
import { spanTotals } from "../bench/real/traces";

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
        const totals = spanTotals([
            line([
                { id: "r", name: "up", start: 0, end: 1000 },
                // Two concurrent registrations overlapping on 200-300: together they cover 100-400.
                { id: "a", parent: "r", name: "register", start: 100, end: 300 },
                { id: "b", parent: "r", name: "register", start: 200, end: 400 },
            ]),
            "",
            // A child in another line (the exporter writes batches), sticking out past its parent's end.
            line([{ id: "c", parent: "r", name: "write", start: 900, end: 1100 }]),
        ]);
        assert.deepStrictEqual(totals.get("up"), { count: 1, exclusiveMs: 1000 - 300 - 100 });
        assert.deepStrictEqual(totals.get("register"), { count: 2, exclusiveMs: 400 });
        assert.deepStrictEqual(totals.get("write"), { count: 1, exclusiveMs: 200 });
    });
});
