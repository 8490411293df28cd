import * as fs from "fs";
import { E2eEnvironment } from "../../tests/e2e/harness/environment";
import { run } from "../../tests/e2e/harness/processes";
import { NODE_IMAGE } from "../../tests/e2e/harness/stackConfig";

/** Debian's docker CLI talks BuildKit to the 20.10 daemon as the docker provider does. */
const DOCKER = fs.existsSync("/usr/bin/docker") ? "/usr/bin/docker" : "docker";

/**
 * The raw floor of a one-app change, as a script would do it: docker build, docker push,
 * `kubectl set image` to the pushed digest and `kubectl rollout status`, in a namespace of its own.
 */
export class RawFloor {
    constructor(
        private readonly env: E2eEnvironment,
        private readonly registry: string,
        private readonly namespace: string,
    ) {}

    /** The Deployment the floor rolls, created once (not measured). */
    create(app: { name: string; context: string }): void {
        const ref = this.buildAndPush(app, "initial");
        this.env.cluster.kubectl(["create", "namespace", this.namespace]);
        this.env.cluster.kubectl(["-n", this.namespace, "create", "deployment", app.name, `--image=${ref}`]);
        this.env.cluster.kubectl(["-n", this.namespace, "rollout", "status", `deployment/${app.name}`, "--timeout=300s"]);
    }

    /** One measured roll: build, push, point the Deployment at the digest, wait for the rollout. */
    roll(app: { name: string; context: string }, tag: string): void {
        const ref = this.buildAndPush(app, `r${tag}`);
        this.env.cluster.kubectl(["-n", this.namespace, "set", "image", `deployment/${app.name}`, `*=${ref}`]);
        this.env.cluster.kubectl(["-n", this.namespace, "rollout", "status", `deployment/${app.name}`, "--timeout=300s"]);
    }

    private buildAndPush(app: { name: string; context: string }, tag: string): string {
        const env = { ...this.env.docker.env(), DOCKER_BUILDKIT: "1" };
        const image = `${this.registry}/raw-${app.name}:${tag}`;
        run(DOCKER, ["build", "-q", "--platform", "linux/amd64", "--build-arg", `NODE_IMAGE=${NODE_IMAGE}`, "-t", image, app.context], { env, timeoutMs: 600_000 });
        const pushed = run(DOCKER, ["push", image], { env, timeoutMs: 600_000 });
        const digest = /digest: (sha256:[0-9a-f]{64})/.exec(pushed)?.[1];
        if (digest === undefined) throw new Error(`docker push printed no digest:\n${pushed}`);
        return `${this.registry}/raw-${app.name}@${digest}`;
    }
}
