import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { Daemon, run, startDaemon, stopDaemon, waitFor } from "./processes";
import { ROOT } from "./toolchain";

let cachedBin: string | undefined;

/** bin/ of the BuildKit parts (tests/e2e/toolchain/buildkit.sh builds them). */
export function buildkitBin(): string {
    if (cachedBin === undefined) {
        const result = spawnSync("bash", [path.join(ROOT, "tests/e2e/toolchain/buildkit.sh"), "--print-dir"], { encoding: "utf8" });
        if (result.status !== 0) throw new Error(`toolchain/buildkit.sh --print-dir failed:\n${result.stderr}`);
        cachedBin = path.join(result.stdout.trim(), "bin");
    }
    return cachedBin;
}

/**
 * A BuildKit daemon of the test's own, as root with its OCI worker (Debian's runc), on a unix
 * socket in its temp dir, registered as a `remote` buildx builder in a DOCKER_CONFIG of its own:
 * the `docker-container` driver would pull moby/buildkit, which cannot be had here. Build steps
 * share the host's network (loopback registries); localhost registries speak plain HTTP to it.
 */
export class BuildKit {
    /** Name of the buildx builder (what `stevedore:builder` names). */
    readonly builder: string;
    readonly socket: string;
    /** The DOCKER_CONFIG holding the buildx plugin and the builder's registration. */
    readonly dockerConfig: string;
    private daemon: Daemon | undefined;

    constructor(readonly dir: string) {
        fs.mkdirSync(dir, { recursive: true });
        this.builder = `stv-e2e-${crypto.randomBytes(3).toString("hex")}`;
        this.socket = path.join(dir, "buildkitd.sock");
        this.dockerConfig = path.join(dir, "docker-config");
    }

    /** What docker and docker-build need to find the builder (DOCKER_CONFIG), to add to an environment. */
    env(): NodeJS.ProcessEnv {
        return { DOCKER_CONFIG: this.dockerConfig };
    }

    async start(): Promise<void> {
        const d = (name: string) => path.join(this.dir, name);
        fs.writeFileSync(
            d("buildkitd.toml"),
            ['[worker.oci]', '  enabled = true', '  networkMode = "host"', '  gc = false', '[worker.containerd]', '  enabled = false', ""].join("\n"),
        );
        this.daemon = startDaemon(
            "buildkitd",
            path.join(buildkitBin(), "buildkitd"),
            [`--addr=unix://${this.socket}`, `--root=${d("state")}`, `--config=${d("buildkitd.toml")}`],
            d("buildkitd.log"),
        );
        const plugins = path.join(this.dockerConfig, "cli-plugins");
        fs.mkdirSync(plugins, { recursive: true });
        fs.symlinkSync(path.join(buildkitBin(), "docker-buildx"), path.join(plugins, "docker-buildx"));
        await waitFor("buildkitd's socket", () => (fs.existsSync(this.socket) ? true : undefined), 60_000, this.daemon);
        this.buildx(["create", "--name", this.builder, "--driver", "remote", `unix://${this.socket}`]);
        await waitFor("the buildx builder to run", () => (/Status:\s+running/.test(this.buildx(["inspect", "--bootstrap", this.builder])) ? true : undefined), 60_000, this.daemon);
    }

    /** Runs `docker buildx <args>` with this builder's DOCKER_CONFIG. */
    buildx(args: string[], env: NodeJS.ProcessEnv = process.env): string {
        return run("docker", ["buildx", ...args], { env: { ...env, ...this.env() }, timeoutMs: 300_000 });
    }

    stop(): void {
        if (this.daemon !== undefined) stopDaemon(this.daemon, 20_000);
        this.daemon = undefined;
    }
}
