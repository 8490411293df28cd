import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { addLink, freeSubnet, linkName } from "./network";
import { Daemon, run, startDaemon, stopDaemon, waitFor } from "./processes";

/**
 * A Docker engine of the test's own: Debian's dockerd with its own data root, exec root, socket
 * and bridge, so it shares nothing with a Docker the machine may run. Published ports bind to
 * 127.0.0.1 only (stevedore's registry asks for that); the bridge's subnet lives on this machine.
 */
export class DockerEngine {
    readonly host: string;
    private daemon: Daemon | undefined;
    private readonly bridge: string;
    private removeBridge: (() => void) | undefined;

    /**
     * `runtime`: a runc stand-in registered as the engine's default runtime (the kind scenario's
     * tests/e2e/kind/runc-without-sys-resource.sh, without which no `--privileged` container starts here).
     */
    constructor(
        private readonly dir: string,
        private readonly options: { runtime?: string } = {},
    ) {
        fs.mkdirSync(dir, { recursive: true });
        this.host = `unix://${path.join(dir, "docker.sock")}`;
        this.bridge = linkName("stv");
    }

    async start(): Promise<void> {
        const subnet = freeSubnet("10.231");
        this.removeBridge = addLink(this.bridge, "bridge");
        run("ip", ["addr", "add", `${subnet}.1/24`, "dev", this.bridge]);
        run("ip", ["link", "set", this.bridge, "up"]);
        const d = (name: string) => path.join(this.dir, name);
        this.daemon = startDaemon(
            "dockerd",
            "dockerd",
            [
                `--data-root=${d("data")}`,
                `--exec-root=${d("exec")}`,
                `--pidfile=${d("dockerd.pid")}`,
                `--host=${this.host}`,
                `--bridge=${this.bridge}`,
                // No NAT rules on the host: containers are reached through the userland proxy on loopback.
                "--iptables=false",
                "--ip6tables=false",
                "--ip-masq=false",
                ...(this.options.runtime === undefined ? [] : [`--add-runtime=stevedore-runc=${this.options.runtime}`, "--default-runtime=stevedore-runc"]),
            ],
            d("dockerd.log"),
        );
        await waitFor("dockerd to answer", () => (this.docker(["version", "--format", "{{.Server.Version}}"]).trim() || undefined), 60_000, this.daemon);
    }

    /** Environment for clients of this engine (the docker CLI, the docker provider). */
    env(): NodeJS.ProcessEnv {
        return { ...process.env, DOCKER_HOST: this.host, DOCKER_CONFIG: path.join(this.dir, "client-config") };
    }

    /** Runs the docker CLI against this engine. */
    docker(args: string[], timeoutMs = 120_000): string {
        return run("docker", args, { env: this.env(), timeoutMs });
    }

    /**
     * Actions (`push`, `tag`, `import`, ...) of the image events this engine recorded since `since`
     * (Unix seconds, fractions kept: whole seconds would count the previous command's last push).
     */
    imageActions(since: number): string[] {
        const until = String(Math.ceil(Date.now() / 1000) + 1);
        return this.docker(["events", "--since", since.toFixed(3), "--until", until, "--filter", "type=image", "--format", "{{.Action}}"]).split("\n").filter(Boolean);
    }

    /**
     * Calls `onAction` with each image event's action (`tag`, `push`, ...) as the engine emits it,
     * from now on: a cue with no polling delay. Returns the function that stops the watcher.
     */
    watchImageActions(onAction: (action: string) => void): () => void {
        const child = spawn("docker", ["events", "--filter", "type=image", "--format", "{{.Action}}"], { env: this.env(), stdio: ["ignore", "pipe", "ignore"] });
        let pending = "";
        child.stdout.on("data", (chunk: Buffer) => {
            const lines = (pending + chunk.toString()).split("\n");
            pending = lines.pop() ?? "";
            lines.filter(Boolean).forEach(onAction);
        });
        return () => {
            if (child.exitCode === null) child.kill("SIGKILL");
        };
    }

    /** Builds the images the e2e needs from this machine's binaries (tests/e2e/images.sh): nothing is pulled. */
    buildTestImages(root: string): void {
        run("bash", [path.join(root, "tests/e2e/images.sh")], { env: this.env(), timeoutMs: 300_000 });
    }

    stop(): void {
        if (this.daemon !== undefined) {
            // Containers first, so none outlives the engine (the registry container is stevedore's).
            try {
                const ids = this.docker(["ps", "-aq"]).split("\n").filter(Boolean);
                if (ids.length > 0) this.docker(["rm", "-f", ...ids]);
            } catch {
                // The engine is already gone; nothing of its is left running.
            }
            stopDaemon(this.daemon, 20_000);
            this.daemon = undefined;
        }
        this.removeBridge?.();
    }
}
