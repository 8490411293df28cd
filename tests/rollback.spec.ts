import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { appIndex, chooseRollback, configJsonValue, parseArgs, policyPackArgs } from "../scripts/rollbackPlan";

const ref = (c: string) => `prodacr.azurecr.io/backend@sha256:${c.repeat(64)}`;
const outputs = (image: string, history?: string[]) => ({
    backend: { image, history },
    frontend: { image: ref("f"), history: [ref("f")] },
});

describe("rollback: choosing the digest", () => {
    it("goes back to the most recent digest other than the running one", () => {
        assert.deepStrictEqual(chooseRollback(outputs(ref("c"), [ref("c"), ref("b"), ref("a")]), "backend"), {
            current: ref("c"),
            target: ref("b"),
            back: 1,
        });
    });

    it("toggles after a rollback, like kubectl rollout undo: the digest rolled back from is now the previous one", () => {
        // After rolling back to b, the program records [b, c, a].
        assert.strictEqual(
            chooseRollback(outputs(ref("b"), [ref("b"), ref("c"), ref("a")]), "backend").target,
            ref("c"),
        );
    });

    it("goes N deploys back, or to a digest by full reference or unique sha256 prefix", () => {
        const apps = outputs(ref("c"), [ref("c"), ref("b"), ref("a")]);
        assert.strictEqual(chooseRollback(apps, "backend", "2").target, ref("a"));
        assert.strictEqual(chooseRollback(apps, "backend", "sha256:aaaa").target, ref("a"));
        assert.strictEqual(chooseRollback(apps, "backend", ref("9")).target, ref("9"));
    });

    it("says why it cannot choose: no earlier digest, too far back, an ambiguous prefix, an unknown app", () => {
        assert.throws(
            () => chooseRollback(outputs(ref("c"), [ref("c")]), "backend"),
            /app "backend" has no earlier digest recorded; its history:\n {2}0: .*\(running\)/,
        );
        assert.throws(
            () => chooseRollback(outputs(ref("c")), "backend"),
            /has no earlier digest recorded/,
            "outputs from before the history existed",
        );
        assert.throws(
            () => chooseRollback(outputs(ref("c"), [ref("c"), ref("b")]), "backend", "2"),
            /--to 2: the history of "backend" reaches back 1 deploy\(s\)/,
        );
        assert.throws(
            () => chooseRollback(outputs(ref("c"), [ref("c"), ref("b")]), "backend", "sha256:"),
            /matching exactly one digest of the history \(2 match\)/,
        );
        assert.throws(
            () => chooseRollback(outputs(ref("c")), "worker"),
            /app "worker" is not in the stack's apps output \(it has: backend, frontend\)/,
        );
    });

    it("finds the app's config index and reads `pulumi config get --json`", () => {
        assert.strictEqual(appIndex([{ name: "frontend" }, { name: "backend" }], "backend"), 1);
        assert.throws(
            () => appIndex([{ name: "frontend" }], "backend"),
            /not in the stack's stevedore:apps \(it has: frontend\)/,
        );
        assert.deepStrictEqual(
            configJsonValue(JSON.stringify({ value: '[{"name":"a"}]', objectValue: [{ name: "a" }], secret: false })),
            [{ name: "a" }],
        );
        assert.deepStrictEqual(configJsonValue(JSON.stringify({ value: '[{"name":"a"}]', secret: false })), [
            { name: "a" },
        ]);
    });

    it("parses its command line, passing unknown flags on to pulumi up", () => {
        assert.deepStrictEqual(parseArgs(["--stack", "prod", "backend", "--yes"]), {
            stack: "prod",
            app: "backend",
            to: undefined,
            unpin: false,
            noUp: false,
            noPolicy: false,
            upArgs: ["--yes"],
        });
        assert.throws(() => parseArgs(["backend"]), /usage: npm run rollback -- --stack <stack> <app>/);
        assert.throws(() => parseArgs(["--stack", "prod", "backend", "--unpin", "--to", "1"]), /exclude each other/);
    });
});

describe("rollback: the policy pack on its up", () => {
    it("passes the pack, and the local config for a local target only", () => {
        assert.deepStrictEqual(policyPackArgs("/p", "aks"), ["--policy-pack", "/p/policy"]);
        assert.deepStrictEqual(policyPackArgs("/p", undefined), ["--policy-pack", "/p/policy"]);
        assert.deepStrictEqual(policyPackArgs("/p", "local"), [
            "--policy-pack",
            "/p/policy",
            "--policy-pack-config",
            "/p/policy/config/local.json",
        ]);
    });
});

describe("rollback: the command against a pulumi CLI", () => {
    let dir: string;
    const calls = () => fs.readFileSync(path.join(dir, "calls"), "utf8").trim().split("\n");
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "stevedore-rollback-"));
        // A stand-in CLI: answers the two reads and records every call.
        const apps = JSON.stringify(outputs(ref("c"), [ref("c"), ref("b"), ref("a")]));
        const config = JSON.stringify({
            value: JSON.stringify([{ name: "frontend" }, { name: "backend" }]),
            objectValue: [{ name: "frontend" }, { name: "backend" }],
            secret: false,
        });
        fs.writeFileSync(
            path.join(dir, "pulumi"),
            `#!/bin/sh\necho "$*" >> "${dir}/calls"\ncase "$1 $2 $3" in\n  "stack output"*) echo '${apps}' ;;\n  "config get stevedore:target") echo aks ;;\n  "config get"*) echo '${config}' ;;\nesac\n`,
            { mode: 0o755 },
        );
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    beforeEach(() => fs.rmSync(path.join(dir, "calls"), { force: true }));

    const run = (...args: string[]) =>
        spawnSync(
            process.execPath,
            [require.resolve("ts-node/dist/bin.js"), path.join(__dirname, "..", "scripts", "rollback.ts"), ...args],
            {
                encoding: "utf8",
                env: { ...process.env, PATH: `${dir}${path.delimiter}${process.env.PATH ?? ""}` },
            },
        );

    it("pins the previous digest on the app's path key, says which it chose, then runs pulumi up with the extra flags", () => {
        const result = run("--stack", "prod", "backend", "--yes");
        assert.strictEqual(result.status, 0, result.stderr);
        assert.match(
            result.stdout,
            new RegExp(`backend: to ${ref("b").replace(/[.]/g, "\\.")} \\(1 deploy\\(s\\) back\\)`),
        );
        // The up runs the policy pack, as the workflows' ups do.
        const pack = path.join(__dirname, "..", "policy");
        assert.deepStrictEqual(calls().slice(2), [
            `config set --path stevedore:apps[1].image ${ref("b")} --stack prod`,
            "config get stevedore:target --stack prod",
            `up --stack prod --policy-pack ${pack} --yes`,
        ]);
    });

    it("runs the up without the pack only when told to, with --no-policy", () => {
        const result = run("--stack", "prod", "backend", "--no-policy", "--yes");
        assert.strictEqual(result.status, 0, result.stderr);
        assert.strictEqual(calls()[calls().length - 1], "up --stack prod --yes");
    });

    it("removes the pin with --unpin", () => {
        const result = run("--stack", "prod", "backend", "--unpin", "--no-up");
        assert.strictEqual(result.status, 0, result.stderr);
        assert.deepStrictEqual(calls().slice(1), ["config rm --path stevedore:apps[1].image --stack prod"]);
    });

    it("exits 1 with the reason, and changes nothing, when there is nothing to roll back to", () => {
        const result = run("--stack", "prod", "frontend");
        assert.strictEqual(result.status, 1);
        assert.match(result.stderr, /rollback: app "frontend" has no earlier digest recorded/);
        assert.ok(
            calls().every((c) => !c.startsWith("config set") && !c.startsWith("up")),
            calls().join("\n"),
        );
    });
});
