import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as net from "net";

/** A long-running process the harness started; its output goes to a log file, never to a pipe. */
export interface Daemon {
    readonly name: string;
    readonly pid: number;
    readonly logFile: string;
    /** The last lines of its log, for error messages. */
    tail(lines?: number): string;
}

const running = new Map<number, Daemon>();

/** True while `pid` runs; a zombie (exited, not yet reaped by our blocked event loop) counts as gone. */
export function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
    } catch {
        return false;
    }
    try {
        return !/^\d+ \(.*\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
    } catch {
        return false;
    }
}

/** Every process below `pid` in the process tree now (children, their children, ...), read from /proc. */
export function descendants(pid: number): number[] {
    const children = new Map<number, number[]>();
    for (const entry of fs.readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
        try {
            // Field 4 of /proc/<pid>/stat is the parent; the command (field 2) may hold spaces, so split after its ")".
            const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
            const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
            children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
        } catch {
            // The process ended while we read the table.
        }
    }
    const found: number[] = [];
    const walk = (p: number) => (children.get(p) ?? []).forEach((child) => (found.push(child), walk(child)));
    walk(pid);
    return found;
}

function tailOf(file: string, lines: number): string {
    try {
        return fs.readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
    } catch {
        return "";
    }
}

/**
 * Starts `command` in the background. Its stdout and stderr go straight to `logFile` (a pipe
 * would fill while a synchronous `pulumi up` blocks this process and stall the daemon).
 */
export function startDaemon(name: string, command: string, args: string[], logFile: string): Daemon {
    if (command.includes("/")) fs.accessSync(command, fs.constants.X_OK);
    const fd = fs.openSync(logFile, "a");
    const child = spawn(command, args, { stdio: ["ignore", fd, fd] });
    fs.closeSync(fd);
    // A spawn failure is reported below; without a listener it would crash the test process.
    child.on("error", (error) => fs.appendFileSync(logFile, `\n[harness] ${name}: ${error.message}\n`));
    if (child.pid === undefined) throw new Error(`could not start ${name} (${command}); see ${logFile}`);
    child.unref();
    const daemon: Daemon = { name, pid: child.pid, logFile, tail: (lines = 30) => tailOf(logFile, lines) };
    running.set(daemon.pid, daemon);
    return daemon;
}

/** Stops a daemon by its PID: SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
export function stopDaemon(daemon: Daemon, graceMs = 10_000): void {
    running.delete(daemon.pid);
    if (!alive(daemon.pid)) return;
    process.kill(daemon.pid, "SIGTERM");
    const deadline = Date.now() + graceMs;
    while (alive(daemon.pid) && Date.now() < deadline) spawnSync("sleep", ["0.1"]);
    if (!alive(daemon.pid)) return;
    process.kill(daemon.pid, "SIGKILL");
    while (alive(daemon.pid) && Date.now() < deadline + 5_000) spawnSync("sleep", ["0.1"]);
}

const cleanups: (() => void)[] = [];

/** Registers `cleanup` to run once on exit if the harness did not run it itself (bridges, mounts). */
export function atExit(cleanup: () => void): () => void {
    let done = false;
    const once = () => {
        if (done) return;
        done = true;
        try {
            cleanup();
        } catch {
            // Best effort on the way out.
        }
    };
    cleanups.push(once);
    return once;
}

/** Stops every daemon still running, newest first, then runs the pending cleanups: the last resort on an unexpected exit. */
export function stopAll(): void {
    for (const daemon of [...running.values()].reverse()) {
        try {
            stopDaemon(daemon, 3_000);
        } catch {
            // Already gone.
        }
    }
    for (const cleanup of cleanups.splice(0).reverse()) cleanup();
}

process.once("exit", stopAll);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
        stopAll();
        process.exit(130);
    });
}

/** Polls `check` until it returns a value other than undefined, or fails naming `what` and the daemon's log. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs: number, daemon?: Daemon): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let lastError = "";
    for (;;) {
        if (daemon !== undefined && !alive(daemon.pid)) {
            throw new Error(`${daemon.name} exited while waiting for ${what}:\n${daemon.tail()}`);
        }
        try {
            const value = await check();
            if (value !== undefined) return value;
        } catch (error) {
            lastError = error instanceof Error ? error.message : String(error);
        }
        if (Date.now() > deadline) {
            const log = daemon === undefined ? "" : `\n${daemon.name} log:\n${daemon.tail()}`;
            throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${lastError})` : ""}${log}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
    }
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const address = server.address();
            const port = typeof address === "object" && address !== null ? address.port : 0;
            server.close(() => resolve(port));
        });
    });
}

/** Runs a command to completion; throws with its output when it fails. */
export function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {}): string {
    const result = spawnSync(command, args, { encoding: "utf8", env: options.env ?? process.env, input: options.input, timeout: options.timeoutMs ?? 120_000 });
    if (result.status !== 0) {
        throw new Error(`${command} ${args.join(" ")} failed (${result.status ?? result.signal}):\n${result.stdout}${result.stderr}${result.error?.message ?? ""}`);
    }
    return result.stdout;
}
