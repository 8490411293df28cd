import { spawnSync } from "child_process";
import * as os from "os";
import * as path from "path";
import { createApps, removeApps } from "./fixtures";
import { BenchOptions, readOptions } from "./options";
import { Cell, Machine, RATIO_GOAL, renderResults, writeResults } from "./report";
import { ChildSpec, Measurement, ProgramKind, RESULT_PREFIX, Target } from "./spec";
import { summarize } from "./stats";

/**
 * The benchmark driver (`npm run bench`, via bench/bench.sh which compiles it first). Runs every
 * measurement in a fresh child, stevedore and baseline interleaved, and refreshes docs/benchmarks.md.
 * Usage: node run.js <repository root>
 */

const root = path.resolve(process.argv[2] ?? ".");
const childScript = path.join(__dirname, "child.js");

function runChild(spec: ChildSpec, options: BenchOptions): Measurement {
    const prof =
        options.cpuProfDir === undefined
            ? []
            : [
                  "--cpu-prof",
                  `--cpu-prof-dir=${path.join(options.cpuProfDir, `${spec.target}-${spec.n}-${spec.program}`)}`,
              ];
    const child = spawnSync(process.execPath, [...prof, childScript, JSON.stringify(spec)], {
        // The compiled program lives outside the repository, so packages resolve through NODE_PATH.
        env: { ...process.env, NODE_PATH: path.join(root, "node_modules") },
        // stevedore resolves app contexts against the working directory, as `pulumi up` would.
        cwd: spec.appsDir,
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
    });
    const line = child.stdout.split("\n").find((l) => l.startsWith(RESULT_PREFIX));
    if (child.status !== 0 || line === undefined) {
        throw new Error(
            `${spec.program} on ${spec.target} with ${spec.n} apps failed (exit ${child.status}):\n${child.stderr.slice(-4000)}`,
        );
    }
    const result = JSON.parse(line.slice(RESULT_PREFIX.length)) as Measurement;
    // A run that registered fewer apps would look cheap: both programs must build every app.
    if (result.images !== spec.n || result.deployments !== spec.n || result.services !== spec.n) {
        throw new Error(
            `${spec.program} on ${spec.target}: expected ${spec.n} images, deployments and services, got ${JSON.stringify(result)}`,
        );
    }
    return result;
}

function main(): void {
    const options = readOptions();
    const started = Date.now();
    const loadBefore = os.loadavg();
    const appsDir = createApps(Math.max(...options.ns));
    const total = options.targets.length * (options.ns.length * options.runs + 1) * 2;
    let done = 0;
    const measure = (target: Target, n: number, program: ProgramKind, label: string): Measurement => {
        const m = runChild({ program, target, n, appsDir }, options);
        done++;
        console.log(
            `[${done}/${total}] ${target} N=${n} ${program} ${label}: ${Math.round(m.wallMs)} ms (program ${Math.round(m.programMs)} ms), ${Math.round(m.peakRssMb)} MB`,
        );
        return m;
    };

    const cells: Cell[] = [];
    try {
        console.log(`apps in ${appsDir}; ${total} child runs`);
        for (const target of options.targets) {
            // One discarded pair first: the target's SDK files come from disk once, then from the page cache for every measured run.
            measure(target, options.ns[0], "stevedore", "warm-up");
            measure(target, options.ns[0], "baseline", "warm-up");
            for (const n of options.ns) {
                const cell: Cell = { target, n, runs: { stevedore: [], baseline: [] } };
                for (let r = 0; r < options.runs; r++) {
                    // Interleaved, and the order flips each round, so drift in machine load hits both programs alike.
                    const order: ProgramKind[] = r % 2 === 0 ? ["stevedore", "baseline"] : ["baseline", "stevedore"];
                    for (const program of order)
                        cell.runs[program].push(measure(target, n, program, `run ${r + 1}/${options.runs}`));
                }
                const ratio =
                    summarize(cell.runs.stevedore.map((m) => m.wallMs)).median /
                    summarize(cell.runs.baseline.map((m) => m.wallMs)).median;
                console.log(`== ${target} N=${n}: ratio ${ratio.toFixed(2)} (goal ≤ ${RATIO_GOAL})`);
                cells.push(cell);
            }
        }
    } finally {
        removeApps(appsDir);
    }

    const machine: Machine = {
        cpus: os.availableParallelism(),
        cpuModel: os.cpus()[0]?.model ?? "unknown CPU",
        node: process.version,
        loadBefore,
        loadAfter: os.loadavg(),
        date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
        minutes: (Date.now() - started) / 60000,
    };
    const section = renderResults(cells, options, machine);
    console.log(`\n${section}`);
    if (options.write) {
        writeResults(path.join(root, "docs", "benchmarks.md"), section);
        console.log("\nwrote docs/benchmarks.md");
    } else {
        console.log("\ndocs/benchmarks.md left as it was (BENCH_WRITE=0 or BENCH_CPU_PROF set)");
    }
}

main();
