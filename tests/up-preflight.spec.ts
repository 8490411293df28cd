import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
type Tool = "npm" | "docker" | "kind" | "pulumi" | "go";
const ALL: Tool[] = ["npm", "docker", "kind", "pulumi", "go"];

/**
 * Runs `scripts/up.sh` with a PATH that holds only bash, dirname and stand-ins for `tools`, so
 * each prerequisite can be taken away. Every case here fails the preflight, so nothing slow runs.
 */
function up(tools: Tool[], env: Record<string, string> = {}, dockerRunning = true): { status: number; err: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stevedore-preflight-"));
    try {
        const bin = path.join(dir, "bin");
        fs.mkdirSync(bin);
        for (const real of ["bash", "dirname"]) {
            const found = spawnSync("bash", ["-c", `command -v ${real}`], { encoding: "utf8" }).stdout.trim();
            fs.symlinkSync(found, path.join(bin, real));
        }
        for (const tool of tools) {
            const exit = tool === "docker" && !dockerRunning ? 1 : 0;
            fs.writeFileSync(path.join(bin, tool), `#!${path.join(bin, "bash")}\nexit ${exit}\n`, { mode: 0o755 });
        }
        const result = spawnSync(path.join(bin, "bash"), [path.join(ROOT, "scripts/up.sh")], {
            encoding: "utf8",
            env: { PATH: bin, HOME: dir, ...env },
            timeout: 30_000,
        });
        return { status: result.status ?? -1, err: result.stderr };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

const without = (...tools: Tool[]) => ALL.filter((t) => !tools.includes(t));

describe("npm run up checks its prerequisites before any long step", () => {
    it("names a missing docker and how to get it, and nothing else", () => {
        const result = up(without("docker"));
        assert.strictEqual(result.status, 1);
        assert.match(result.err, /missing: docker .*\n {2}-> install Docker Engine or Docker Desktop/);
        assert.strictEqual(result.err.match(/missing:/g)?.length, 1, result.err);
    });

    it("tells a Docker engine that does not answer from a missing docker", () => {
        const result = up(ALL, {}, false);
        assert.strictEqual(result.status, 1);
        assert.match(result.err, /missing: a running Docker engine \(docker info failed\)/);
    });

    it("asks for kind for the dev stack, unless STEVEDORE_SKIP_KIND says another cluster is used", () => {
        assert.match(
            up(without("kind")).err,
            /missing: kind .*\n {2}-> install kind .* STEVEDORE_SKIP_KIND=1 with stevedore:local\.context/,
        );
        const skipped = up(without("kind", "docker"), { STEVEDORE_SKIP_KIND: "1" });
        assert.doesNotMatch(skipped.err, /missing: kind/);
        const otherStack = up(without("kind", "docker"), { STEVEDORE_STACK: "prod" });
        assert.doesNotMatch(otherStack.err, /missing: kind/);
    });

    it("without a pulumi CLI: announces the Go build when Go is there, asks for the CLI when it is not", () => {
        const withGo = up(without("pulumi", "docker"));
        assert.match(withGo.err, /no pulumi CLI on PATH: it will be built from Go modules .*about 20 minutes/);
        assert.doesNotMatch(withGo.err, /missing: the Pulumi CLI/);
        const noGo = up(without("pulumi", "go"));
        assert.strictEqual(noGo.status, 1);
        assert.match(noGo.err, /missing: the Pulumi CLI\n {2}-> install it: https:\/\/www\.pulumi\.com/);
    });

    it("reports every missing prerequisite at once", () => {
        const result = up([]);
        assert.strictEqual(result.status, 1);
        for (const what of ["npm", "docker", "kind", "the Pulumi CLI"])
            assert.match(result.err, new RegExp(`missing: ${what}`));
    });
});
