import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import dockerignore from "@balena/dockerignore";

/** What decides an image's content: the files docker would send, the Dockerfile and the build settings. */
export interface BuildInputs {
    /** Build context directory (absolute, or relative to the working directory). */
    context: string;
    /** Dockerfile path (absolute, or relative to the working directory). */
    dockerfile: string;
    buildArgs: Record<string, string>;
    target?: string;
    /** Platforms joined by commas. */
    platform: string;
    /** BuildKit secret ids (never their values: a hash of a short token can be brute-forced). */
    secretIds?: string[];
    /** SSH forward ids. */
    sshIds?: string[];
    /** Base image reference -> the digest it resolves to now (refreshBaseImages). */
    baseImageDigests?: Record<string, string>;
}

interface Filter {
    ignores(rel: string): boolean;
    /** Whether an ignored directory may still hold files that a `!` exception brings back. */
    mayReinclude(dir: string): boolean;
}

function listFiles(root: string, dir: string, filter: Filter, out: string[]): void {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const abs = path.join(dir, entry.name);
        const rel = path.relative(root, abs).split(path.sep).join("/");
        const ignored = filter.ignores(rel);
        if (entry.isDirectory()) {
            if (!ignored || filter.mayReinclude(rel)) listFiles(root, abs, filter, out);
        } else if (!ignored && (entry.isFile() || entry.isSymbolicLink())) {
            out.push(rel);
        }
    }
}

/**
 * A content hash of the build. It names the image tag, so the same sources always give the same
 * tag (nothing to push, no diff) and any change gives a new, never reused one. Files excluded by
 * `.dockerignore` do not count, exactly as they do not reach the docker build.
 */
export function contextHash(inputs: BuildInputs): string {
    const ignoreFile = path.join(inputs.context, ".dockerignore");
    const rules = fs.existsSync(ignoreFile) ? fs.readFileSync(ignoreFile, "utf8") : "";
    const lines = rules.split(/\r?\n/);
    const ignore = dockerignore().add(lines);
    const files: string[] = [];
    const exceptions = lines
        .map((line) => line.trim())
        .filter((line) => line.startsWith("!"))
        .map((line) => line.slice(1).replace(/^\/+/, ""));
    // Walking an ignored tree (node_modules, say) is the slow part, so do it only when an exception can reach inside.
    const mayReinclude = (dir: string) =>
        exceptions.some((p) => p.startsWith(`${dir}/`) || /[*?[]/.test(p.split("/")[0] ?? ""));
    listFiles(inputs.context, inputs.context, { ignores: (rel) => ignore.ignores(rel), mayReinclude }, files);
    files.sort();

    const hash = crypto.createHash("sha256");
    const field = (text: string) => hash.update(`${text.length}:${text}`);
    for (const rel of files) {
        const abs = path.join(inputs.context, rel);
        const stat = fs.statSync(abs);
        field(rel);
        // The executable bit survives into the image, so it is part of the content.
        field((stat.mode & 0o111) !== 0 ? "x" : "-");
        hash.update(fs.readFileSync(abs));
    }
    field("dockerfile");
    hash.update(fs.readFileSync(inputs.dockerfile));
    for (const key of Object.keys(inputs.buildArgs).sort()) field(`arg:${key}=${inputs.buildArgs[key]}`);
    field(`target:${inputs.target ?? ""}`);
    field(`platform:${inputs.platform}`);
    // Only what is set is hashed, so an app without these keys keeps the tag it had before them.
    for (const id of [...(inputs.secretIds ?? [])].sort()) field(`secret:${id}`);
    for (const id of [...(inputs.sshIds ?? [])].sort()) field(`ssh:${id}`);
    const bases = inputs.baseImageDigests ?? {};
    for (const ref of Object.keys(bases).sort()) field(`from:${ref}=${bases[ref]}`);
    return hash.digest("hex");
}
