import * as assert from "assert";
import * as http from "http";
import { AddressInfo } from "net";
import { FaultProxy } from "./e2e/harness/faultProxy";

/** GET through the proxy: the status, or the socket error's code. */
async function get(port: number): Promise<number | string> {
    try {
        return (await fetch(`http://127.0.0.1:${port}/v2/`, { signal: AbortSignal.timeout(5000) })).status;
    } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause;
        return cause?.code ?? (error as Error).name;
    }
}

/** The e2e's fault proxy produces each fault it claims to, and recovers: the faults tests rely on are real. */
describe("e2e harness: the fault-injecting TCP proxy", () => {
    let upstream: http.Server;
    let proxy: FaultProxy;
    let port: number;
    let slow: http.ServerResponse | undefined;

    beforeEach(async () => {
        upstream = http.createServer((req, res) => {
            if (req.url === "/slow") {
                slow = res;
                res.writeHead(200, { "content-length": "100" });
                res.write("partial");
                return;
            }
            res.writeHead(200).end("ok");
        });
        await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
        proxy = new FaultProxy((upstream.address() as AddressInfo).port);
        port = await proxy.start();
    });
    afterEach(() => {
        slow?.destroy();
        proxy.stop();
        upstream.closeAllConnections();
        upstream.close();
    });

    it("passes requests through when no fault is injected", async () => {
        assert.strictEqual(await get(port), 200);
        assert.deepStrictEqual(proxy.counts, { connections: 1, faulted: 0 });
    });

    it("answers 503 for a while, then recovers by itself", async () => {
        proxy.inject("http503", 300);
        assert.strictEqual(await get(port), 503);
        await new Promise((r) => setTimeout(r, 350));
        assert.strictEqual(await get(port), 200);
        assert.strictEqual(proxy.counts.faulted, 1);
    });

    it("drops connections until told otherwise", async () => {
        proxy.inject("drop");
        const result = await get(port);
        assert.notStrictEqual(result, 200);
        assert.strictEqual(typeof result, "string", `a socket error, got ${String(result)}`);
        proxy.inject("none");
        assert.strictEqual(await get(port), 200);
    });

    it("cuts a transfer in flight", async () => {
        const body = fetch(`http://127.0.0.1:${port}/slow`).then((r) => r.text());
        while (slow === undefined) await new Promise((r) => setTimeout(r, 10));
        assert.strictEqual(proxy.cut(), 1);
        await assert.rejects(body, "the half-sent body must fail, not complete");
    });
});
