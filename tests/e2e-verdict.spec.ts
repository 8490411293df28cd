import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";

// What `npm test` does with the e2e: GitHub sets CI=true on every runner, which has no toolchain
// cache and is not root, so only .ci/run (which builds the toolchain) may turn "cannot run" into a failure.

const ROOT = path.resolve(__dirname, "..");

/** tests/e2e/verdict.sh's answer with `env` on top of a machine whose toolchain cache is empty. */
function verdict(env: Record<string, string>): string {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "no-toolchain-"));
    const base: NodeJS.ProcessEnv = { ...process.env, STEVEDORE_TOOLCHAIN_DIR: empty };
    delete base.CI;
    delete base.STEVEDORE_E2E_REQUIRED;
    const run = spawnSync("bash", ["tests/e2e/verdict.sh"], { cwd: ROOT, env: { ...base, ...env }, encoding: "utf8" });
    assert.strictEqual(run.status, 0, run.stderr);
    return run.stdout.trim();
}

describe("the e2e verdict of npm test", () => {
    it("skips, naming why, on a GitHub runner (CI=true, no toolchain)", () => {
        assert.match(verdict({ CI: "true", GITHUB_ACTIONS: "true" }), /^skip toolchain parts are not built \(/);
    });

    it("fails where STEVEDORE_E2E_REQUIRED=1, as .ci/run sets it", () => {
        assert.match(
            verdict({ CI: "true", STEVEDORE_E2E_REQUIRED: "1" }),
            /^fail cannot run where STEVEDORE_E2E_REQUIRED=1/,
        );
    });

    it("is required by .ci/run before it runs npm test", () => {
        const lines = fs.readFileSync(path.join(ROOT, ".ci", "run"), "utf8").split("\n");
        const required = lines.indexOf("export STEVEDORE_E2E_REQUIRED=1");
        assert.ok(required >= 0 && required < lines.indexOf("npm test --silent"), "export before npm test");
    });

    it("is not required by any GitHub workflow, whose runners cannot build the toolchain", () => {
        const dir = path.join(ROOT, ".github", "workflows");
        for (const file of fs.readdirSync(dir)) {
            const text = fs.readFileSync(path.join(dir, file), "utf8");
            assert.ok(parse(text) !== null && !text.includes("STEVEDORE_E2E_REQUIRED"), file);
        }
    });
});
