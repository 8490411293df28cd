import * as fs from "fs";
import * as path from "path";
import { Daemon, freePort, startDaemon, stopDaemon, waitFor } from "./processes";

/**
 * Debian's registry binary on 127.0.0.1, without auth, outside any container: where the e2e puts
 * the base images a BuildKit build pulls FROM (buildkitd cannot see the Docker engine's images).
 * localhost speaks plain HTTP to both dockerd and buildkitd.
 */
export class PlainRegistry {
    port = 0;
    private daemon: Daemon | undefined;

    constructor(private readonly dir: string) {
        fs.mkdirSync(dir, { recursive: true });
    }

    /** `localhost:<port>`: the address images are pushed to and pulled from. */
    get address(): string {
        return `localhost:${this.port}`;
    }

    async start(): Promise<void> {
        this.port = await freePort();
        const config = path.join(this.dir, "config.yml");
        const storage = path.join(this.dir, "storage");
        fs.writeFileSync(
            config,
            ["version: 0.1", "storage:", "  filesystem:", `    rootdirectory: ${storage}`, "  delete:", "    enabled: true", "http:", `  addr: 127.0.0.1:${this.port}`, ""].join("\n"),
        );
        this.daemon = startDaemon("docker-registry", "docker-registry", ["serve", config], path.join(this.dir, "registry.log"));
        await waitFor("the base-image registry", async () => ((await fetch(`http://127.0.0.1:${this.port}/v2/`).catch(() => undefined))?.ok ? true : undefined), 30_000, this.daemon);
    }

    stop(): void {
        if (this.daemon !== undefined) stopDaemon(this.daemon);
        this.daemon = undefined;
    }
}
