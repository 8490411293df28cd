// @ts-check
"use strict";
/**
 * `npm run build` (`node scripts/compile.js`): transpiles the program (index.ts and components/)
 * into bin/, the way ts-node's transpile-only mode would at run time, and stamps bin/ with a digest
 * of the sources it was built from. main.js runs bin/ only while that digest still matches, so an
 * edited source is never deployed from a stale build.
 *
 * Plain JavaScript on purpose: main.js needs it before any TypeScript tooling is loaded.
 */
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const OUT_DIR = "bin";
const STAMP = ".sources.sha256";

/**
 * The files the compiled program is made from, relative to `root`, sorted; tsconfig.json too, since
 * its options shape the output.
 * @param {string} root
 * @returns {string[]}
 */
function programSources(root) {
    const found = ["index.ts", "tsconfig.json"];
    /** @param {string} dir */
    const walk = (dir) => {
        for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
            const rel = path.posix.join(dir, entry.name);
            if (entry.isDirectory()) walk(rel);
            else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) found.push(rel);
        }
    };
    walk("components");
    return found.sort();
}

/**
 * sha256 over every source's path and contents: it changes with any edit, and not with a
 * checkout's mtimes.
 * @param {string} root
 * @param {string[]} [sources] programSources(root), when the caller already has it
 */
function sourcesDigest(root, sources = programSources(root)) {
    const hash = crypto.createHash("sha256");
    for (const rel of sources) {
        hash.update(`${rel}\0`);
        hash.update(fs.readFileSync(path.join(root, rel)));
        hash.update("\0");
    }
    return hash.digest("hex");
}

/**
 * bin/index.js when bin/ was built from the sources as they are now; undefined when it is missing
 * or stale.
 * @param {string} root
 * @param {string} [digest] sourcesDigest(root), when the caller already has it
 * @returns {string | undefined}
 */
function compiledEntry(root, digest = sourcesDigest(root)) {
    const entry = path.join(root, OUT_DIR, "index.js");
    let stamp;
    try {
        stamp = fs.readFileSync(path.join(root, OUT_DIR, STAMP), "utf8").trim();
    } catch {
        return undefined;
    }
    return stamp === digest && fs.existsSync(entry) ? entry : undefined;
}

/**
 * Writes bin/ from the sources; returns false when it was already current.
 * @param {string} root
 */
function build(root) {
    const sources = programSources(root);
    // Taken before reading, so a source edited during the build leaves bin/ stale, not wrong.
    const digest = sourcesDigest(root, sources);
    if (compiledEntry(root, digest) !== undefined) return false;
    /** @type {typeof import("typescript")} */
    const ts = require("typescript");
    const configPath = path.join(root, "tsconfig.json");
    const read = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p));
    if (read.error !== undefined) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, "\n"));
    const { options, errors } = ts.convertCompilerOptionsFromJson(read.config.compilerOptions, root, configPath);
    if (errors.length > 0)
        throw new Error(errors.map((e) => ts.flattenDiagnosticMessageText(e.messageText, "\n")).join("\n"));
    const out = path.join(root, OUT_DIR);
    fs.rmSync(out, { recursive: true, force: true });
    for (const rel of sources.filter((f) => f.endsWith(".ts"))) {
        const { outputText, diagnostics } = ts.transpileModule(fs.readFileSync(path.join(root, rel), "utf8"), {
            compilerOptions: options,
            fileName: rel,
            reportDiagnostics: true,
        });
        if (diagnostics !== undefined && diagnostics.length > 0)
            throw new Error(
                `${rel}: ${diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")).join("\n")}`,
            );
        const target = path.join(out, rel.replace(/\.ts$/, ".js"));
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, outputText);
    }
    // Written last: an interrupted build has no stamp, so main.js keeps running the sources.
    fs.writeFileSync(path.join(out, STAMP), `${digest}\n`);
    return true;
}

module.exports = { OUT_DIR, STAMP, programSources, sourcesDigest, compiledEntry, build };

if (require.main === module) {
    const root = path.resolve(__dirname, "..");
    const started = Date.now();
    const built = build(root);
    console.log(
        built
            ? `stevedore: built ${OUT_DIR}/ from ${programSources(root).length - 1} TypeScript files in ${Date.now() - started} ms`
            : `stevedore: ${OUT_DIR}/ is current`,
    );
}
