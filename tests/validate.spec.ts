import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";

const ROOT = path.resolve(__dirname, "..");

function validate(args: string[]): { status: number; out: string; err: string } {
    const result = spawnSync(
        process.execPath,
        [path.join(ROOT, "node_modules/ts-node/dist/bin.js"), path.join(ROOT, "scripts/validate.ts"), ...args],
        {
            cwd: ROOT,
            encoding: "utf8",
            timeout: 90_000,
        },
    );
    return { status: result.status ?? -1, out: result.stdout, err: result.stderr };
}

describe("npm run validate (offline stack file check)", function () {
    this.timeout(120_000);
    let dir: string;
    const write = (stack: string, config: Record<string, unknown>) => {
        const file = path.join(dir, `Pulumi.${stack}.yaml`);
        fs.writeFileSync(file, stringify({ config }));
        return file;
    };
    before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "stevedore-validate-"))));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("passes the shipped stacks, fails a typo with the program's message, and counts an encrypted value as set", () => {
        const typo = write("typo", {
            "stevedore:target": "local",
            "stevedore:apps": [{ name: "backend", replcas: 3 }],
        });
        const secret = write("secret", {
            "stevedore:target": "local",
            "stevedore:apps": [{ name: "backend" }],
            "stevedore:registryUsername": "ci",
            "stevedore:registryPassword": { secure: "v1:AAAA" },
        });
        const result = validate(["dev", "prod", typo, secret]);
        assert.strictEqual(result.status, 1, result.out + result.err);
        assert.match(result.out, /^Pulumi\.dev\.yaml: valid$/m);
        assert.match(result.out, /^Pulumi\.prod\.yaml: valid$/m);
        assert.match(result.out, /Pulumi\.secret\.yaml: valid$/m);
        assert.match(
            result.err,
            /Pulumi\.typo\.yaml: Invalid stack config \(nothing was created\):\n {2}- stevedore:apps\[0\]\.replcas = 3: unknown key/,
        );
    });

    it("says which stacks exist when asked for one that does not (exit 2)", () => {
        const result = validate(["staging"]);
        assert.strictEqual(result.status, 2);
        assert.match(result.err, /staging: no such stack file; stacks here: dev, prod/);
    });
});
