/**
 * `npm run bench:cache`: what the registry build cache saves a fresh CI runner. A one-app change
 * (a line added to the backend's source) is built and pushed on an *empty* BuildKit builder, once
 * importing the `<repo>:buildcache` cache that an earlier build exported (stevedore's default on a
 * buildx builder: mode=max, OCI image manifest) and once with no cache, interleaved, BENCH_RUNS
 * times each (default 3). It drives `docker buildx build` with the cache options stevedore hands
 * docker-build, so the figures are BuildKit's alone, without the Pulumi CLI's fixed cost.
 * Prints a Markdown table of medians: wall time, Dockerfile steps run (not CACHED), bytes that
 * in the builder's state dir afterwards (what it pulled, unpacked and made), and new bytes in the
 * registry (what the push uploaded, cache export included).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BuildKit } from "../../tests/e2e/harness/buildkit";
import { DockerEngine } from "../../tests/e2e/harness/dockerEngine";
import { PlainRegistry } from "../../tests/e2e/harness/plainRegistry";
import { stopAll } from "../../tests/e2e/harness/processes";
import { NODE_IMAGE } from "../../tests/e2e/harness/stackConfig";
import { ROOT } from "../../tests/e2e/harness/toolchain";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);

interface Sample {
    seconds: number;
    stepsRun: number;
    steps: number;
    builderBytes: number;
    pushedBytes: number;
}

/** Bytes of every file under `dir` (0 when it does not exist). */
function bytesUnder(dir: string): number {
    if (!fs.existsSync(dir)) return 0;
    return fs.readdirSync(dir, { withFileTypes: true }).reduce((sum, e) => {
        const p = path.join(dir, e.name);
        return sum + (e.isDirectory() ? bytesUnder(p) : e.isFile() ? fs.statSync(p).size : 0);
    }, 0);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
const kb = (bytes: number) => (bytes / 1e3).toFixed(1);

async function main(): Promise<void> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stevedore-bench-cache-"));
    const docker = new DockerEngine(path.join(dir, "docker"));
    const registry = new PlainRegistry(path.join(dir, "registry"));
    try {
        await Promise.all([docker.start(), registry.start()]);
        docker.buildTestImages(ROOT);
        const baseNode = `${registry.address}/${NODE_IMAGE}`;
        docker.docker(["tag", NODE_IMAGE, baseNode]);
        docker.docker(["push", baseNode]);
        let builders = 0;
        /** One build of `context` into `repo` on a builder that has never built anything: a fresh CI runner. */
        const build = async (
            context: string,
            repo: string,
            tag: string,
            cacheFrom?: string,
            cacheTo?: string,
        ): Promise<Sample> => {
            const kit = new BuildKit(path.join(dir, `builder-${builders++}`));
            await kit.start();
            try {
                const args = [
                    "buildx",
                    "build",
                    "--builder",
                    kit.builder,
                    "--progress=plain",
                    "--push",
                    "-t",
                    `${repo}:${tag}`,
                    "--build-arg",
                    `NODE_IMAGE=${baseNode}`,
                ];
                if (cacheFrom !== undefined) args.push("--cache-from", `type=registry,ref=${cacheFrom}`);
                if (cacheTo !== undefined)
                    args.push(
                        "--cache-to",
                        `type=registry,ref=${cacheTo},mode=max,image-manifest=true,oci-mediatypes=true,ignore-error=true`,
                    );
                const storage = path.join(dir, "registry", "storage");
                const before = bytesUnder(storage);
                const start = process.hrtime.bigint();
                const result = spawnSync("docker", [...args, context], {
                    encoding: "utf8",
                    env: { ...process.env, ...kit.env() },
                    timeout: 600_000,
                });
                const seconds = Number(process.hrtime.bigint() - start) / 1e9;
                if (result.status !== 0) throw new Error(`buildx build failed:\n${result.stdout}${result.stderr}`);
                const log = result.stderr;
                if (process.env.BENCH_LOG_DIR !== undefined)
                    fs.writeFileSync(path.join(process.env.BENCH_LOG_DIR, `${path.basename(repo)}-${tag}.log`), log);
                // Dockerfile steps are the vertices named "[stage n/m] ..."; a cache hit prints "#<id> CACHED".
                const steps = [...new Set([...log.matchAll(/^#(\d+) \[[^\]]*\d+\/\d+\]/gm)].map((m) => m[1]))];
                const cached = steps.filter((id) => new RegExp(`^#${id} CACHED`, "m").test(log));
                return {
                    seconds,
                    steps: steps.length,
                    stepsRun: steps.length - cached.length,
                    builderBytes: bytesUnder(path.join(kit.dir, "state")),
                    pushedBytes: bytesUnder(storage) - before,
                };
            } finally {
                kit.stop();
            }
        };

        // The sample backend as it is, and with a dependency step (what `npm ci` is to a real app:
        // 5 s and 30 MB, before the sources are copied, and shipped in the image).
        const cases: { label: string; name: string; dockerfile?: (text: string) => string }[] = [
            { label: "sample backend", name: "backend" },
            {
                label: "backend + a 5 s, 30 MB dependency step",
                name: "backend-deps",
                dockerfile: (text) =>
                    text
                        .replace(
                            "COPY package.json ./\n",
                            `COPY package.json ./\nRUN ["node", "-e", "require('fs').writeFileSync('deps.bin', require('crypto').randomBytes(30e6)); setTimeout(() => {}, 5000)"]\n`,
                        )
                        .replace(
                            "COPY --from=test /src/package.json /src/src ./",
                            "COPY --from=test /src/package.json /src/src ./\nCOPY --from=test /src/deps.bin ./",
                        ),
            },
        ];
        console.log(
            `one-app change on an empty builder, medians of ${RUNS} interleaved runs (${new Date().toISOString()}):\n`,
        );
        console.log(
            "| app | cache | wall time | Dockerfile steps run | builder state after the build | new bytes in the registry |",
        );
        console.log("|---|---|---|---|---|---|");
        for (const c of cases) {
            const context = path.join(dir, c.name);
            fs.cpSync(path.join(ROOT, "apps/backend"), context, { recursive: true });
            const dockerfile = path.join(context, "Dockerfile");
            if (c.dockerfile !== undefined)
                fs.writeFileSync(dockerfile, c.dockerfile(fs.readFileSync(dockerfile, "utf8")));
            const repo = `${registry.address}/${c.name}`;
            const cacheRef = `${repo}:buildcache`;
            // What CI ran before this change: the build that exported the cache the next runner imports.
            await build(context, repo, "v1", cacheRef, cacheRef);
            fs.appendFileSync(path.join(context, "src", "app.js"), "\n// one-line change\n");
            const samples: Record<"cache" | "none", Sample[]> = { cache: [], none: [] };
            for (let i = 0; i < RUNS; i++) {
                // Each run imports the first build's cache and exports elsewhere, so every run measures the same change.
                samples.cache.push(
                    await build(context, repo, `change-cache-${i}`, cacheRef, `${repo}:buildcache-run-${i}`),
                );
                samples.none.push(await build(context, repo, `change-none-${i}`));
            }
            const row = (label: string, s: Sample[]) =>
                `| ${c.label} | ${label} | ${median(s.map((x) => x.seconds)).toFixed(1)} s | ${median(s.map((x) => x.stepsRun))} of ${s[0].steps} | ${mb(median(s.map((x) => x.builderBytes)))} MB | ${kb(median(s.map((x) => x.pushedBytes)))} kB |`;
            console.log(row("registry (stevedore's default)", samples.cache));
            console.log(row("none", samples.none));
            const ratio = median(samples.none.map((x) => x.seconds)) / median(samples.cache.map((x) => x.seconds));
            console.log(`| ${c.label} | none / registry wall time | ${ratio.toFixed(2)}x | | | |`);
        }
    } finally {
        registry.stop();
        docker.stop();
        stopAll();
        if (process.env.BENCH_LOG_DIR === undefined) fs.rmSync(dir, { recursive: true, force: true });
        else console.log(`kept ${dir}`);
    }
}

main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
});
