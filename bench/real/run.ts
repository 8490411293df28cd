/**
 * `npm run bench:real`: what a code change costs on the real engine (CLI, plugins, dockerd,
 * registry, kube-apiserver + kwok from the e2e harness), for stevedore, for a bare Pulumi program
 * registering the same images and objects (bare/), and for the raw floor of one app (docker
 * build + push + kubectl set image + rollout status). Runs are interleaved; medians and the
 * ratios within this one run are written to docs/benchmarks.md.
 *
 * Knobs: BENCH_NS (default 1,5,20), BENCH_RUNS (5), BENCH_WARMUP (1), BENCH_WRITE (1; 0 leaves the doc alone),
 * BENCH_TRACE_DIR (each measured `up` writes OpenTelemetry spans there, `--otel-traces`, for
 * bench/real/traces.ts; tracing costs time, so it needs BENCH_WRITE=0).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as ts from "typescript";
import { E2eEnvironment } from "../../tests/e2e/harness/environment";
import { freePort } from "../../tests/e2e/harness/processes";
import { NODE_IMAGE, REGISTRY_IMAGE } from "../../tests/e2e/harness/stackConfig";
import { ROOT } from "../../tests/e2e/harness/toolchain";
import { Workspace } from "../../tests/e2e/harness/workspace";
import { Sample, renderReal, writeReal } from "./report";
import { RawFloor } from "./raw";

const NS = (process.env.BENCH_NS ?? "1,5,20").split(",").map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1);
const TRACE_DIR = process.env.BENCH_TRACE_DIR;
if (TRACE_DIR !== undefined && process.env.BENCH_WRITE !== "0")
    throw new Error("BENCH_TRACE_DIR slows every up down; set BENCH_WRITE=0 too, so the traced timings stay out of docs/benchmarks.md");

/** N copies of the sample backend, each with a source line of its own so each builds its own image. */
function makeApps(dir: string, n: number): { name: string; context: string }[] {
    return Array.from({ length: n }, (_, i) => {
        const name = `app-${i}`;
        const context = path.join(dir, name);
        fs.cpSync(path.join(ROOT, "apps/backend"), context, { recursive: true });
        fs.appendFileSync(path.join(context, "src/app.js"), `\n// benchmark app ${i}\n`);
        return { name, context };
    });
}

/**
 * The bare program compiled to index.js in its workspace, with the language host's TypeScript
 * support off: stevedore runs compiled too (the workspace builds bin/), so neither pays for
 * TypeScript at run time and the floor stays the SDK's.
 */
function compileBare(dir: string): void {
    const file = path.join(dir, "index.ts");
    const { outputText } = ts.transpileModule(fs.readFileSync(file, "utf8"), {
        compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, esModuleInterop: true },
        fileName: "index.ts",
    });
    fs.writeFileSync(path.join(dir, "index.js"), outputText);
    const project = path.join(dir, "Pulumi.yaml");
    const yaml = fs.readFileSync(project, "utf8");
    if (!yaml.includes("typescript: true")) throw new Error(`${project}: expected "typescript: true" to turn off`);
    fs.writeFileSync(project, yaml.replace("typescript: true", "typescript: false"));
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "stevedore-bench-bare", private: true, main: "index.js" }));
}

/** A source edit of app-0: a one-app change. */
const editApp0 = (apps: { context: string }[], mark: string) => fs.appendFileSync(path.join(apps[0].context, "src/app.js"), `// change ${mark}\n`);

async function main(): Promise<void> {
    if (TRACE_DIR !== undefined) fs.mkdirSync(TRACE_DIR, { recursive: true });
    const env = new E2eEnvironment();
    const samples: Sample[] = [];
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "stevedore-bench-real-"));
    try {
        await env.start();
        const port = await freePort();
        const registry = `localhost:${port}`;
        env.docker.docker(["run", "-d", "--name", "bench-registry", "-p", `127.0.0.1:${port}:5000`, REGISTRY_IMAGE]);
        const { DOCKER_HOST, DOCKER_CONFIG } = env.docker.env();
        const dockerEnv = { DOCKER_HOST, DOCKER_CONFIG };
        const pushes = (since: number) => env.docker.imageActions(since).filter((action) => action === "push").length;

        for (const n of NS) {
            const apps = makeApps(fs.mkdtempSync(path.join(work, `n${n}-`)), n);
            const stevedore = new Workspace(dockerEnv);
            stevedore.createStack("bench", {
                "stevedore:target": "local",
                // The same standalone registry for all three, so only the programs differ.
                "stevedore:local": { kubeconfig: env.cluster.kubeconfig, registry: { mode: "existing", address: registry } },
                "stevedore:apps": apps.map((a) => ({ name: a.name, context: a.context, replicas: 1, buildArgs: { NODE_IMAGE } })),
            });
            const bare = new Workspace(dockerEnv, { dir: path.join(ROOT, "bench/real/bare"), files: ["Pulumi.yaml", "package.json", "tsconfig.json", "index.ts"] });
            compileBare(bare.dir);
            bare.createStack("bench", { "bare:apps": apps, "bare:registry": registry, "bare:kubeconfig": env.cluster.kubeconfig, "bare:nodeImage": NODE_IMAGE });
            const raw = new RawFloor(env, registry, `raw-${n}`);
            const programs = { stevedore, bare };

            for (let run = -WARMUP; run < RUNS; run++) {
                const order: (keyof typeof programs)[] = run % 2 === 0 ? ["stevedore", "bare"] : ["bare", "stevedore"];
                const measure = (program: string, phase: Sample["phase"], action: () => void) => {
                    const since = Date.now() / 1000;
                    const start = process.hrtime.bigint();
                    action();
                    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
                    if (run >= 0) samples.push({ n, program, phase, run, seconds, pushes: pushes(since) });
                    console.log(`n=${n} run=${run} ${program} ${phase}: ${seconds.toFixed(2)} s`);
                };
                const up = (program: keyof typeof programs, phase: Sample["phase"]) => () => {
                    const trace =
                        TRACE_DIR === undefined || run < 0
                            ? []
                            : [`--otel-traces`, `file://${path.resolve(TRACE_DIR, `n${n}-${program}-${phase.replace(/\W+/g, "-")}-run${run}.json`)}`];
                    const result = programs[program].pulumi(["up", "--yes", "--stack", "bench", ...trace], { timeoutMs: 20 * 60_000 });
                    if (result.status !== 0) throw new Error(`${program} up failed:\n${result.output}`);
                };
                for (const p of order) measure(p, "first up", up(p, "first up"));
                for (const p of order) measure(p, "no-op up", up(p, "no-op up"));
                if (run === -WARMUP) raw.create(apps[0]);
                // Each program deploys an edit of its own, so none finds its build in another's cache.
                for (const p of [...order, "raw"] as const) {
                    editApp0(apps, `${n}-${run}-${p}`);
                    measure(p, "one-app change", p === "raw" ? () => raw.roll(apps[0], `${run}`) : up(p, "one-app change"));
                }
                for (const p of order) {
                    const result = programs[p].pulumi(["destroy", "--yes", "--stack", "bench"], { timeoutMs: 10 * 60_000 });
                    if (result.status !== 0) throw new Error(`${p} destroy failed:\n${result.output}`);
                }
            }
            stevedore.remove();
            bare.remove();
        }
    } finally {
        env.stop();
        fs.rmSync(work, { recursive: true, force: true });
    }
    const section = renderReal(samples, { runs: RUNS, warmup: WARMUP, ns: NS });
    console.log(section);
    fs.writeFileSync(path.join(os.tmpdir(), "stevedore-bench-real.json"), JSON.stringify(samples, null, 1));
    if (process.env.BENCH_WRITE !== "0") writeReal(path.join(ROOT, "docs/benchmarks.md"), section);
}

main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
});
