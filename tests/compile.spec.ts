import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { RecordingMocks } from "./harness/mocks";
import { run } from "./harness/program";
import { stackConfig } from "./harness/stacks";

const ROOT = path.resolve(__dirname, "..");

interface Compile {
    STAMP: string;
    build(root: string): boolean;
    compiledEntry(root: string): string | undefined;
    sourcesDigest(root: string): string;
}
// Plain JavaScript (main.js loads it before any TypeScript tooling), typed by scripts/tsconfig.js.json.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const compile = require("../scripts/compile") as Compile;

/** A copy of what the program is made of, with the repository's node_modules, in a temp dir. */
function projectCopy(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stevedore-compile-"));
    for (const file of ["index.ts", "tsconfig.json", "main.js", "components", "scripts"])
        fs.cpSync(path.join(ROOT, file), path.join(dir, file), { recursive: true });
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
    return dir;
}

/** What `require("./main.js")` loaded in a fresh node: the program's module and whether ts-node was registered. */
function loadMain(dir: string): { exportsFunction: boolean; program: string; tsNode: boolean } {
    const probe = [
        `const program = require(${JSON.stringify(path.join(dir, "main.js"))});`,
        `const loaded = Object.keys(require.cache).find((f) => /[\\\\/](bin[\\\\/])?index\\.(js|ts)$/.test(f) && !f.includes("node_modules"));`,
        `console.log(JSON.stringify({ exportsFunction: typeof program === "function", program: loaded, tsNode: require.extensions[".ts"] !== undefined }));`,
    ].join("\n");
    const child = spawnSync(process.execPath, ["-e", probe], { cwd: dir, encoding: "utf8" });
    assert.strictEqual(child.status, 0, child.stderr);
    return JSON.parse(child.stdout) as { exportsFunction: boolean; program: string; tsNode: boolean };
}

describe("compiled program (main.js, npm run build)", function () {
    this.timeout(120_000);
    let dir: string;
    beforeEach(() => (dir = projectCopy()));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("runs bin/ once built, and the TypeScript sources through ts-node before that", () => {
        assert.strictEqual(compile.compiledEntry(dir), undefined);
        const before = loadMain(dir);
        assert.deepStrictEqual(before, { exportsFunction: true, program: path.join(dir, "index.ts"), tsNode: true });

        assert.strictEqual(compile.build(dir), true);
        assert.strictEqual(compile.build(dir), false, "a second build finds bin/ current");
        assert.strictEqual(compile.compiledEntry(dir), path.join(dir, "bin", "index.js"));
        const after = loadMain(dir);
        assert.deepStrictEqual(after, {
            exportsFunction: true,
            program: path.join(dir, "bin", "index.js"),
            tsNode: false,
        });
    });

    it("falls back to the sources as soon as a source, tsconfig.json or the stamp changes", () => {
        compile.build(dir);
        const edits: [string, () => void][] = [
            ["a component edited", () => fs.appendFileSync(path.join(dir, "components/app/app.ts"), "\n// edited\n")],
            ["a component added", () => fs.writeFileSync(path.join(dir, "components/new.ts"), "export {};\n")],
            ["tsconfig.json edited", () => fs.appendFileSync(path.join(dir, "tsconfig.json"), "\n")],
            ["index.ts edited", () => fs.appendFileSync(path.join(dir, "index.ts"), "\n")],
            ["the stamp removed", () => fs.rmSync(path.join(dir, "bin", compile.STAMP))],
        ];
        for (const [what, edit] of edits) {
            compile.build(dir);
            assert.ok(compile.compiledEntry(dir) !== undefined, `built before: ${what}`);
            edit();
            assert.strictEqual(compile.compiledEntry(dir), undefined, `${what}: bin/ is stale`);
        }
        // main.js asks compiledEntry (the first test shows both of its branches); once more, for a stale bin/.
        assert.strictEqual(loadMain(dir).program, path.join(dir, "index.ts"));
    });

    it("ignores mtimes: a touched but unchanged source keeps bin/ current", () => {
        compile.build(dir);
        const later = new Date(Date.now() + 60_000);
        fs.utimesSync(path.join(dir, "index.ts"), later, later);
        assert.strictEqual(compile.compiledEntry(dir), path.join(dir, "bin", "index.js"));
    });

    it("registers exactly what the TypeScript program registers, with the same outputs", async () => {
        compile.build(dir);
        const config = stackConfig("dev");
        const fromSource = await run(new RecordingMocks(), config, []);
        const fromBin = await run(new RecordingMocks(), config, [], path.join(dir, "bin", "index.js"));
        const shape = (r: typeof fromSource) =>
            r.resources.map((x) => ({ type: x.type, name: x.name, inputs: x.inputs }));
        assert.ok(fromSource.resources.length > 5, "the dev stack registers its resources");
        assert.deepStrictEqual(shape(fromBin), shape(fromSource));
        assert.deepStrictEqual(fromBin.outputs, fromSource.outputs);
    });
});
