import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { ROOT, toolchainDir } from "../harness/toolchain";

/** The kind scenario's own files, beside this one. */
export const KIND_DIR = __dirname;
/** The runc wrapper the test's dockerd runs every container with (see the script's header). */
export const RUNC_WRAPPER = path.join(KIND_DIR, "runc-without-sys-resource.sh");

export interface CommandResult {
    status: number;
    output: string;
}

/** Runs a command to its end with no terminal on stdin (so `npm run up` answers its own preview). */
export function runCommand(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): CommandResult {
    const result = spawnSync(command, args, { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
    const output = `${result.stdout ?? ""}${result.stderr ?? ""}${result.error ? `\n${String(result.error)}` : ""}`;
    return { status: result.status ?? -1, output };
}

/**
 * Builds (or finds in its cache) the kind node image and loads it into the engine `env` points at;
 * returns its name and the directory holding the kind CLI (tests/e2e/kind/build-node-image.sh).
 */
export function nodeImage(env: NodeJS.ProcessEnv): { image: string; binDir: string } {
    const script = path.join(KIND_DIR, "build-node-image.sh");
    const built = runCommand("bash", [script], ROOT, env, 40 * 60_000);
    if (built.status !== 0) throw new Error(`build-node-image.sh failed:\n${built.output}`);
    const bins = runCommand("bash", [script, "--bin-dir"], ROOT, env, 60_000);
    const last = (text: string) => text.trim().split("\n").pop() ?? "";
    return { image: last(built.output), binDir: last(bins.output) };
}

/** Why the kind scenario cannot run here, or undefined when it can. */
export function unavailableReason(): string | undefined {
    const avail = spawnSync("bash", [path.join(ROOT, "tests/e2e/available.sh"), "--why"], { encoding: "utf8" });
    if (avail.status !== 0) return avail.stdout.trim();
    for (const cmd of ["debootstrap", "jq", "ctr"]) {
        if (spawnSync("sh", ["-c", `command -v ${cmd}`]).status !== 0) return `${cmd} is not installed (the kind node image needs it)`;
    }
    if (!fs.existsSync(path.join(toolchainDir(), "src", "kubernetes", "go.mod"))) return "the toolchain's kubernetes part has no build module (kubeadm is built from it)";
    return undefined;
}

/** True when nothing listens on 127.0.0.1:`port`. */
export function portFree(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const server = net.createServer();
        server.once("error", () => resolve(false));
        server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
    });
}

/** A `kubectl port-forward` that has printed its "Forwarding from" line. */
export async function portForward(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<ChildProcess> {
    const child = spawn("kubectl", args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`port-forward did not start:\n${output}`)), timeoutMs);
        const onData = (chunk: Buffer) => {
            output += chunk.toString();
            if (output.includes("Forwarding from")) {
                clearTimeout(timer);
                resolve();
            }
        };
        child.stdout.on("data", onData);
        child.stderr.on("data", onData);
        child.once("exit", (code) => {
            clearTimeout(timer);
            reject(new Error(`port-forward exited (${String(code)}):\n${output}`));
        });
    });
    return child;
}

/** GETs a URL and parses its JSON body, retrying for a while (a new pod's first seconds). */
export async function getJson(url: string, timeoutMs = 60_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    let last = "";
    while (Date.now() < deadline) {
        try {
            const response = await fetch(url);
            const text = await response.text();
            if (response.ok) return JSON.parse(text) as Record<string, unknown>;
            last = `${response.status}: ${text}`;
        } catch (error) {
            last = String(error);
        }
        await new Promise((r) => setTimeout(r, 1000));
    }
    throw new Error(`GET ${url} did not answer: ${last}`);
}
