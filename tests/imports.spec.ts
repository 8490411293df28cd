import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
const TABLE = "components/targets.ts";

/** Every .ts file of the program: index.ts and everything under components/. */
function programFiles(dir = "components"): string[] {
    return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
        const rel = `${dir}/${entry.name}`;
        if (entry.isDirectory()) return programFiles(rel);
        return entry.name.endsWith(".ts") ? [rel] : [];
    });
}

/** The program files `file` imports (static, dynamic and re-exports), as project-relative paths. */
function importsOf(file: string): string[] {
    const text = fs.readFileSync(path.join(ROOT, file), "utf8");
    const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)"(\.[^"]+)"/g)].map((m) => m[1]);
    return specifiers.map((spec) => {
        const base = path.join(path.dirname(file), spec);
        const found = [`${base}.ts`, `${base}/index.ts`].find((candidate) => fs.existsSync(path.join(ROOT, candidate)));
        assert.ok(found !== undefined, `${file} imports ${spec}, which is no .ts file`);
        return found.split(path.sep).join("/");
    });
}

function importGraph(): Map<string, string[]> {
    return new Map(["index.ts", ...programFiles()].map((file) => [file, importsOf(file)]));
}

/** One import cycle, as the list of files around it, or undefined when the graph has none. */
function findCycle(graph: Map<string, string[]>): string[] | undefined {
    const done = new Set<string>();
    const visit = (file: string, trail: string[]): string[] | undefined => {
        const at = trail.indexOf(file);
        if (at >= 0) return [...trail.slice(at), file];
        if (done.has(file)) return undefined;
        for (const next of graph.get(file) ?? []) {
            const cycle = visit(next, [...trail, file]);
            if (cycle !== undefined) return cycle;
        }
        done.add(file);
        return undefined;
    };
    for (const file of graph.keys()) {
        const cycle = visit(file, []);
        if (cycle !== undefined) return cycle;
    }
    return undefined;
}

describe("import graph", () => {
    it("has no cycle", () => {
        const cycle = findCycle(importGraph());
        assert.strictEqual(cycle, undefined, `import cycle: ${cycle?.join(" > ")}`);
    });

    it("lets only config read the target table: implementations never import it", () => {
        const importers = [...importGraph()].filter(([, imports]) => imports.includes(TABLE)).map(([file]) => file);
        assert.ok(importers.length > 0, "nothing imports the target table; has it moved?");
        for (const file of importers) assert.match(file, /^components\/config\//, `${file} imports ${TABLE}`);
    });
});
