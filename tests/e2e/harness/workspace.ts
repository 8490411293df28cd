import * as assert from "assert";
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { ROOT, toolchainDir } from "./toolchain";
/** What a Pulumi project needs to run stevedore and its commands (scripts/); node_modules is linked, not copied. */
const PROJECT_FILES = ["Pulumi.yaml", "package.json", "tsconfig.json", "main.js", "index.ts", "components", "apps", "scripts"];

// Plain JavaScript (main.js loads it before any TypeScript tooling), typed by scripts/tsconfig.js.json.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const compile = require("../../../scripts/compile") as { build(root: string): boolean };

export interface CommandResult {
    status: number;
    /** stdout and stderr together, as a user would read them. */
    output: string;
}

/** Fails the test unless `result` exited 0, with the command's output in the message. */
export function expectOk(result: CommandResult, what: string): void {
    assert.strictEqual(result.status, 0, `${what} failed:\n${result.output}`);
}

/** A `pulumi` command still running: its process (to signal it), its output so far, its end. */
export interface RunningCommand {
    readonly child: ChildProcess;
    /** stdout and stderr so far. */
    output(): string;
    readonly done: Promise<CommandResult>;
}

/**
 * A copy of the project in a temp directory with its own file state backend, driven by the
 * real Pulumi CLI and Node.js language host from the toolchain cache.
 */
export class Workspace {
    readonly dir: string;
    /** The file state backend's directory (`PULUMI_BACKEND_URL=file://<stateDir>`). */
    readonly stateDir: string;
    private readonly env: NodeJS.ProcessEnv;

    /**
     * `env`: extra environment for every command, e.g. the test's DOCKER_HOST. `project`: another
     * Pulumi project to copy instead of stevedore (its directory and the files to take).
     */
    constructor(env: NodeJS.ProcessEnv = {}, project: { dir: string; files: string[] } = { dir: ROOT, files: PROJECT_FILES }) {
        const base = fs.mkdtempSync(path.join(os.tmpdir(), "stevedore-e2e-"));
        this.dir = path.join(base, "project");
        fs.mkdirSync(this.dir);
        for (const file of project.files) fs.cpSync(path.join(project.dir, file), path.join(this.dir, file), { recursive: true });
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(this.dir, "node_modules"));
        // stevedore runs compiled, as after `npm run build` (what `npm run up` does first).
        if (project.files === PROJECT_FILES) compile.build(this.dir);
        this.stateDir = path.join(base, "state");
        fs.mkdirSync(this.stateDir);
        const tools = toolchainDir();
        this.env = {
            ...process.env,
            // Node 22 from the project's devDependencies runs the program, as `npm run up` does.
            PATH: [path.join(tools, "bin"), path.join(ROOT, "node_modules", ".bin"), process.env.PATH].join(path.delimiter),
            PULUMI_HOME: path.join(tools, "pulumi-home"),
            PULUMI_BACKEND_URL: `file://${this.stateDir}`,
            PULUMI_CONFIG_PASSPHRASE: "stevedore-e2e",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            PULUMI_NODEJS_TRANSPILE_ONLY: "true",
            ...env,
        };
    }

    /** Runs `pulumi <args>` in the project; never throws on a non-zero exit. */
    pulumi(args: string[], options: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): CommandResult {
        return this.run("pulumi", [...args, "--non-interactive"], options);
    }

    /**
     * Runs `command <args>` in the project with the workspace's environment (CLI, backend,
     * passphrase), as a user's shell after `source scripts/env.sh`; never throws on a non-zero exit.
     */
    run(command: string, args: string[], options: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): CommandResult {
        const result = spawnSync(command, args, {
            cwd: this.dir,
            env: { ...this.env, ...options.env },
            encoding: "utf8",
            input: options.input,
            timeout: options.timeoutMs ?? 240_000,
            maxBuffer: 64 * 1024 * 1024,
        });
        const timedOut = result.error !== undefined ? `\n[harness] ${result.error.message}` : "";
        const output = `${result.stdout}${result.stderr}${timedOut}`;
        this.log([command, ...args], result.status, output);
        return { status: result.status ?? -1, output };
    }

    /**
     * Runs `pulumi <args>` without blocking the event loop, so a test can do other work (a request
     * loop) while it runs; resolves when it exits, never rejects on a non-zero exit.
     */
    pulumiAsync(args: string[], options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<CommandResult> {
        return this.startPulumi(args, options).done;
    }

    /**
     * Starts `pulumi <args>` and returns at once, for a test that signals it mid-run. `detached`
     * makes it a process group leader, so `process.kill(-child.pid, ...)` reaches its whole group.
     */
    startPulumi(args: string[], options: { timeoutMs?: number; env?: NodeJS.ProcessEnv; detached?: boolean } = {}): RunningCommand {
        const child = spawn("pulumi", [...args, "--non-interactive"], {
            cwd: this.dir,
            env: { ...this.env, ...options.env },
            stdio: ["ignore", "pipe", "pipe"],
            detached: options.detached ?? false,
        });
        let output = "";
        child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
        child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
        const done = new Promise<CommandResult>((resolve) => {
            const timer = setTimeout(() => {
                output += `\n[harness] timed out after ${options.timeoutMs} ms`;
                child.kill("SIGKILL");
            }, options.timeoutMs ?? 240_000);
            child.on("close", (code, signal) => {
                clearTimeout(timer);
                if (signal !== null) output += `\n[harness] ended by ${signal}`;
                this.log(["pulumi", ...args], code, output);
                resolve({ status: code ?? -1, output });
            });
        });
        return { child, output: () => output, done };
    }

    /** Lock files of the file backend (`.pulumi/locks/<org>/<project>/<stack>/<uuid>.json`). */
    locks(): string[] {
        const dir = path.join(this.stateDir, ".pulumi", "locks");
        if (!fs.existsSync(dir)) return [];
        return fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".json")).map((f) => path.join(dir, f));
    }

    /** STEVEDORE_E2E_LOG=<file> keeps every command's output, for reading a run afterwards. */
    private log(argv: string[], status: number | null, output: string): void {
        const log = process.env.STEVEDORE_E2E_LOG;
        if (log !== undefined) fs.appendFileSync(log, `\n$ ${argv.join(" ")}  (exit ${status})\n${output}`);
    }

    /** Path of a file in the project copy. */
    file(relative: string): string {
        return path.join(this.dir, relative);
    }

    /** Creates stack `name` with `config` written as its stack file, as a user would. */
    createStack(name: string, config: Record<string, unknown>): void {
        fs.writeFileSync(path.join(this.dir, `Pulumi.${name}.yaml`), stringify({ config }));
        const init = this.pulumi(["stack", "init", name]);
        if (init.status !== 0) throw new Error(`pulumi stack init ${name} failed:\n${init.output}`);
    }

    /** The stack file as the CLI left it (secrets are encrypted there). */
    stackFile(name: string): string {
        return fs.readFileSync(path.join(this.dir, `Pulumi.${name}.yaml`), "utf8");
    }

    /** Resources in the stack's state. */
    stateResources(name: string): { type: string; urn: string; outputs?: Record<string, unknown> }[] {
        return this.exportState(name).resources ?? [];
    }

    /** Operations the state records as started and never finished (an interrupted update leaves them). */
    pendingOperations(name: string): { type: string; urn: string }[] {
        return (this.exportState(name).pending_operations ?? []).map((op) => ({ type: op.type, urn: op.resource.urn }));
    }

    private exportState(name: string): {
        resources?: { type: string; urn: string; outputs?: Record<string, unknown> }[];
        pending_operations?: { type: string; resource: { urn: string } }[];
    } {
        const exported = this.pulumi(["stack", "export", "--stack", name]);
        if (exported.status !== 0) throw new Error(`pulumi stack export failed:\n${exported.output}`);
        const doc = JSON.parse(exported.output.slice(exported.output.indexOf("{"))) as { deployment?: ReturnType<Workspace["exportState"]> };
        return doc.deployment ?? {};
    }

    remove(): void {
        fs.rmSync(path.dirname(this.dir), { recursive: true, force: true });
    }
}
