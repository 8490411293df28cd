import * as net from "net";

/** What the proxy does to a new connection. */
export type Fault = "none" | "drop" | "http503";

const UNAVAILABLE = "HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain\r\ncontent-length: 20\r\nconnection: close\r\n\r\nfault injected (e2e)";

/**
 * A TCP proxy on 127.0.0.1 in front of one upstream (a registry, an API server) that injects
 * faults on demand: new connections dropped at once, or answered `503 Service Unavailable`, for a
 * while or until told otherwise; `cut()` ends every connection in flight (a dependency that dies
 * mid-transfer). Counts what it did, so a test can prove its fault really happened.
 */
export class FaultProxy {
    private server: net.Server | undefined;
    private fault: Fault = "none";
    private until = 0;
    private readonly open = new Set<net.Socket>();
    /** Connections accepted, and how many of them got a fault (dropped, 503, or cut). */
    readonly counts = { connections: 0, faulted: 0 };

    constructor(
        private readonly upstreamPort: number,
        private readonly upstreamHost = "127.0.0.1",
    ) {}

    /** Listens on `port` (0: any free one) and returns the port. */
    async start(port = 0): Promise<number> {
        this.server = net.createServer((client) => this.accept(client));
        await new Promise<void>((resolve, reject) => {
            this.server?.once("error", reject);
            this.server?.listen(port, "127.0.0.1", resolve);
        });
        return (this.server.address() as net.AddressInfo).port;
    }

    /** Injects `fault` into new connections, for `forMs` (then back to none) or until the next call. */
    inject(fault: Fault, forMs?: number): void {
        this.fault = fault;
        this.until = forMs === undefined ? Infinity : Date.now() + forMs;
    }

    /** Ends every connection in flight, as a dependency that stops mid-transfer. */
    cut(): number {
        const n = this.open.size;
        for (const socket of this.open) socket.destroy();
        this.counts.faulted += n;
        return n;
    }

    private current(): Fault {
        if (this.fault !== "none" && Date.now() >= this.until) this.fault = "none";
        return this.fault;
    }

    private accept(client: net.Socket): void {
        this.counts.connections++;
        const fault = this.current();
        if (fault === "drop") {
            this.counts.faulted++;
            client.destroy();
            return;
        }
        if (fault === "http503") {
            this.counts.faulted++;
            // Answer once the request has started, as a real server behind a load balancer would.
            client.once("data", () => client.end(UNAVAILABLE));
            client.on("error", () => client.destroy());
            return;
        }
        const upstream = net.connect(this.upstreamPort, this.upstreamHost);
        this.open.add(client);
        const close = () => {
            this.open.delete(client);
            client.destroy();
            upstream.destroy();
        };
        client.on("error", close).on("close", close);
        upstream.on("error", close).on("close", close);
        client.pipe(upstream);
        upstream.pipe(client);
    }

    stop(): void {
        this.cut();
        this.server?.close();
        this.server = undefined;
    }
}
