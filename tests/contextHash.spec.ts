import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BuildInputs, contextHash } from "../components/image/contextHash";

describe("build content hash (the image tag)", () => {
    let dir: string;
    let inputs: BuildInputs;
    const write = (rel: string, text: string) => {
        fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, rel), text);
    };

    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "stevedore-ctx-"));
        write("Dockerfile", "FROM base\nCOPY . /app\n");
        write("src/server.js", "console.log('v1');\n");
        write("README.md", "docs\n");
        write("node_modules/dep/index.js", "module.exports = 1;\n");
        write(".dockerignore", "node_modules\n*.md\n");
        inputs = { context: dir, dockerfile: path.join(dir, "Dockerfile"), buildArgs: {}, platform: "linux/amd64" };
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("is stable for the same sources", () => {
        assert.strictEqual(contextHash(inputs), contextHash({ ...inputs }));
        assert.match(contextHash(inputs), /^[0-9a-f]{64}$/);
    });

    it("changes when a source file changes, is added or is renamed", () => {
        const base = contextHash(inputs);
        write("src/server.js", "console.log('v2');\n");
        const edited = contextHash(inputs);
        assert.notStrictEqual(edited, base);
        write("src/extra.js", "");
        assert.notStrictEqual(contextHash(inputs), edited);
        const withExtra = contextHash(inputs);
        fs.renameSync(path.join(dir, "src/extra.js"), path.join(dir, "src/other.js"));
        assert.notStrictEqual(contextHash(inputs), withExtra);
    });

    it("ignores what .dockerignore keeps out of the build", () => {
        const base = contextHash(inputs);
        write("README.md", "new docs\n");
        write("node_modules/dep/index.js", "module.exports = 2;\n");
        assert.strictEqual(contextHash(inputs), base);
    });

    it("honours ! exceptions inside an ignored directory", () => {
        write(".dockerignore", "docs\n!docs/keep.txt\n");
        write("docs/keep.txt", "a");
        write("docs/drop.txt", "a");
        const base = contextHash(inputs);
        write("docs/drop.txt", "b");
        assert.strictEqual(contextHash(inputs), base);
        write("docs/keep.txt", "b");
        assert.notStrictEqual(contextHash(inputs), base);
    });

    it("changes with the executable bit, the Dockerfile, build args, target and platform", () => {
        const base = contextHash(inputs);
        fs.chmodSync(path.join(dir, "src/server.js"), 0o755);
        assert.notStrictEqual(contextHash(inputs), base);
        fs.chmodSync(path.join(dir, "src/server.js"), 0o644);
        assert.strictEqual(contextHash(inputs), base);
        const variants: BuildInputs[] = [
            { ...inputs, buildArgs: { A: "1" } },
            { ...inputs, target: "test" },
            { ...inputs, platform: "linux/arm64" },
        ];
        const hashes = new Set([base, ...variants.map(contextHash)]);
        assert.strictEqual(hashes.size, 4);
        write("Dockerfile", "FROM base\nCOPY . /srv\n");
        assert.notStrictEqual(contextHash(inputs), base);
    });

    it("does not confuse a build arg's name and value boundaries", () => {
        assert.notStrictEqual(
            contextHash({ ...inputs, buildArgs: { AB: "C" } }),
            contextHash({ ...inputs, buildArgs: { A: "BC" } }),
        );
    });

    it("covers build secret and SSH ids, never a secret's value, and is unchanged when there are none", () => {
        const plain = contextHash(inputs);
        assert.strictEqual(contextHash({ ...inputs, secretIds: [], sshIds: [] }), plain);
        const withSecret = contextHash({ ...inputs, secretIds: ["npm_token"] });
        assert.notStrictEqual(withSecret, plain);
        assert.notStrictEqual(contextHash({ ...inputs, sshIds: ["default"] }), plain);
        assert.strictEqual(
            contextHash({ ...inputs, secretIds: ["b", "a"] }),
            contextHash({ ...inputs, secretIds: ["a", "b"] }),
        );
    });
});
