/** What a request loop saw: how many requests it sent, which failed and why, and what answered. */
export interface LoopReport {
    sent: number;
    failed: number;
    /** The first few failures, for the assertion message. */
    failures: string[];
    /** Distinct values of `field` in the answers, in the order they first appeared. */
    seen: string[];
    durationMs: number;
}

export interface LoopOptions {
    /** Pause between the end of one request and the start of the next. */
    intervalMs: number;
    /** Hard bounds: the loop never sends more than this many requests or runs longer than this. */
    maxRequests: number;
    maxDurationMs: number;
    /** A request slower than this counts as failed. */
    requestTimeoutMs: number;
    /** JSON field of a good answer to record (e.g. the backend's `sourceHash`). */
    field: string;
}

/**
 * Sends GET requests to `url` one after another until `stop` resolves or a bound is reached.
 * A request fails on a network error, a timeout or a status other than 200. One request at a
 * time, each on a fresh connection, so every request is routed through the Service anew.
 */
export async function requestLoop(url: string, stop: Promise<unknown>, options: LoopOptions): Promise<LoopReport> {
    let stopped = false;
    void stop.finally(() => (stopped = true));
    const report: LoopReport = { sent: 0, failed: 0, failures: [], seen: [], durationMs: 0 };
    const start = Date.now();
    while (!stopped && report.sent < options.maxRequests && Date.now() - start < options.maxDurationMs) {
        report.sent++;
        const problem = await requestOnce(url, options, report);
        if (problem !== undefined) {
            report.failed++;
            if (report.failures.length < 5) report.failures.push(`${new Date().toISOString()} ${problem}`);
        }
        await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
    }
    report.durationMs = Date.now() - start;
    return report;
}

async function requestOnce(url: string, options: LoopOptions, report: LoopReport): Promise<string | undefined> {
    try {
        const answer = await fetch(url, { signal: AbortSignal.timeout(options.requestTimeoutMs), headers: { connection: "close" } });
        const text = await answer.text();
        if (answer.status !== 200) return `HTTP ${answer.status}: ${text.slice(0, 200)}`;
        const value = String((JSON.parse(text) as Record<string, unknown>)[options.field]);
        if (!report.seen.includes(value)) report.seen.push(value);
        return undefined;
    } catch (error) {
        const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : "";
        return `${error instanceof Error ? error.message : String(error)}${cause}`;
    }
}
