import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ControlPlane } from "./controlPlane";
import { DockerEngine } from "./dockerEngine";
import { stopAll } from "./processes";
import { ROOT } from "./toolchain";

/**
 * Everything the deploy scenarios run against, on this machine only: a Docker engine (with the
 * test images built from local binaries) and a Kubernetes control plane with a kwok node. Each
 * lives in its own temp dir and every process is stopped by its PID in `stop()`.
 */
export class E2eEnvironment {
    readonly dir: string;
    readonly docker: DockerEngine;
    readonly cluster: ControlPlane;

    constructor() {
        this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "stevedore-e2e-env-"));
        this.docker = new DockerEngine(path.join(this.dir, "docker"));
        this.cluster = new ControlPlane(path.join(this.dir, "cluster"));
    }

    async start(): Promise<void> {
        try {
            await Promise.all([this.startDocker(), this.cluster.start()]);
        } catch (error) {
            this.stop();
            throw error;
        }
    }

    private async startDocker(): Promise<void> {
        await this.docker.start();
        this.docker.buildTestImages(ROOT);
    }

    /** Stops every process; the temp dirs stay when STEVEDORE_E2E_KEEP=1 (for reading logs). */
    stop(): void {
        this.docker.stop();
        this.cluster.stop();
        stopAll();
        if (process.env.STEVEDORE_E2E_KEEP !== "1") fs.rmSync(this.dir, { recursive: true, force: true });
    }
}
