import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ControlPlane } from "./controlPlane";
import { DockerEngine } from "./dockerEngine";
import { RealNode } from "./node";
import { stopAll } from "./processes";
import { ROOT } from "./toolchain";

/** Where pods go: kwok's fake node (Ready, runs nothing) or one real node on this machine. */
export type NodeKind = "kwok" | "real";

/**
 * Everything the deploy scenarios run against, on this machine only: a Docker engine (with the
 * test images built from local binaries), a Kubernetes control plane, and its node: kwok's fake
 * one, or a real one (containerd, kubelet, kube-proxy, CoreDNS). Only one kind per environment,
 * so fake and real nodes never share a scheduler. Each part lives in its own temp dir and every
 * process is stopped by its PID in `stop()`.
 */
export class E2eEnvironment {
    readonly dir: string;
    readonly docker: DockerEngine;
    readonly cluster: ControlPlane;
    /** The real node, when the environment has one. */
    readonly node: RealNode | undefined;

    constructor(private readonly nodeKind: NodeKind = "kwok") {
        this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "stevedore-e2e-env-"));
        this.docker = new DockerEngine(path.join(this.dir, "docker"));
        this.cluster = new ControlPlane(path.join(this.dir, "cluster"));
        this.node = nodeKind === "real" ? new RealNode(path.join(this.dir, "node"), this.cluster.kubeconfig) : undefined;
    }

    async start(): Promise<void> {
        try {
            await Promise.all([this.startDocker(), this.cluster.start({ kwok: this.nodeKind === "kwok" })]);
            await this.node?.start(this.docker);
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
        this.node?.stop();
        this.docker.stop();
        this.cluster.stop();
        stopAll();
        if (process.env.STEVEDORE_E2E_KEEP !== "1") fs.rmSync(this.dir, { recursive: true, force: true });
    }
}
