import * as assert from "assert";
import { parse } from "yaml";
import * as fs from "fs";
import * as path from "path";
import { Workspace } from "./harness/workspace";

const ROOT = path.resolve(__dirname, "..", "..");
const devConfig = (parse(fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> }).config;

function withApps(edit: (apps: Record<string, unknown>[]) => void): Record<string, unknown> {
    const copy = JSON.parse(JSON.stringify(devConfig)) as Record<string, unknown>;
    edit(copy["stevedore:apps"] as Record<string, unknown>[]);
    return copy;
}

/**
 * The program on the real Pulumi CLI and Node.js language host, with no cluster or Docker
 * engine: what a user meets before anything is deployed (deploy.e2e.ts deploys for real).
 */
describe("real engine (CLI + Node.js language host)", () => {
    let ws: Workspace;
    before(() => {
        ws = new Workspace();
    });
    after(() => ws.remove());

    it("accepts the project file's config declarations and the dev stack file", () => {
        ws.createStack("dev", devConfig);
        const config = ws.pulumi(["config", "--stack", "dev", "--json"]);
        assert.strictEqual(config.status, 0, config.output);
        const values = JSON.parse(config.output) as Record<string, { value?: string }>;
        assert.strictEqual(values["stevedore:target"]?.value, "local");
        // Declared defaults from Pulumi.yaml reach the stack.
        assert.strictEqual(values["stevedore:namespace"]?.value, "stevedore");
    });

    it("stops a preview on bad config with the key, the value and what is allowed, and records nothing", () => {
        ws.createStack("typo", withApps((apps) => (apps[0].replcas = 3)));
        const preview = ws.pulumi(["preview", "--stack", "typo"]);
        assert.notStrictEqual(preview.status, 0);
        assert.match(preview.output, /Invalid stack config \(nothing was created\)/);
        assert.match(preview.output, /stevedore:apps\[0\]\.replcas = 3: unknown key; allowed keys here: name, context/);
        // A RunError prints the message alone: no JavaScript stack trace for a config mistake.
        assert.doesNotMatch(preview.output, /\n\s+at [\w.<>]+ \(/);
        const up = ws.pulumi(["up", "--yes", "--stack", "typo"]);
        assert.notStrictEqual(up.status, 0);
        assert.deepStrictEqual(ws.stateResources("typo").filter((r) => r.type !== "pulumi:pulumi:Stack"), []);
    });

    it("runs the compiled program from bin/, and the TypeScript sources once a source no longer matches bin/", () => {
        // The workspace was built (npm run build). A marker in the compiled entry shows which one the language host ran.
        const marker = "stevedore-e2e: ran bin/index.js";
        const entry = ws.file("bin/index.js");
        const component = ws.file("components/app/app.ts");
        const [builtEntry, source] = [fs.readFileSync(entry, "utf8"), fs.readFileSync(component, "utf8")];
        ws.createStack("entry", withApps((apps) => (apps[0].replcas = 3)));
        try {
            fs.appendFileSync(entry, `\nconsole.log(${JSON.stringify(marker)});\n`);
            const compiled = ws.pulumi(["preview", "--stack", "entry"]);
            assert.match(compiled.output, new RegExp(marker));
            assert.match(compiled.output, /stevedore:apps\[0\]\.replcas = 3: unknown key/, "the compiled program validated the config");

            fs.appendFileSync(component, "\n// e2e: an edit bin/ was not built from\n");
            const fromSource = ws.pulumi(["preview", "--stack", "entry"]);
            assert.doesNotMatch(fromSource.output, new RegExp(marker));
            assert.match(fromSource.output, /stevedore:apps\[0\]\.replcas = 3: unknown key/, "the sources, through ts-node, validated the config");
            assert.doesNotMatch(fromSource.output, /failed to locate the entry point|Cannot find module/);
        } finally {
            fs.writeFileSync(entry, builtEntry);
            fs.writeFileSync(component, source);
        }
    });

    it("keeps a secret registry password encrypted in the stack file and out of the output", () => {
        ws.createStack("secret", devConfig);
        const set = ws.pulumi(["config", "set", "--secret", "--stack", "secret", "stevedore:registryPassword", "hunter2-e2e"]);
        assert.strictEqual(set.status, 0, set.output);
        assert.doesNotMatch(ws.stackFile("secret"), /hunter2-e2e/);
        assert.match(ws.stackFile("secret"), /secure: /);
        const preview = ws.pulumi(["preview", "--stack", "secret"]);
        assert.notStrictEqual(preview.status, 0);
        assert.match(preview.output, /stevedore:registryUsername \/ stevedore:registryPassword: give both or neither/);
        assert.doesNotMatch(preview.output, /hunter2-e2e/);
    });

    it("loads both provider plugins: without a Docker engine the dev stack's preview stops at the docker provider, naming it", () => {
        const preview = ws.pulumi(["preview", "--stack", "dev"], { env: { DOCKER_HOST: `unix://${ws.file("no-docker.sock")}` } });
        assert.notStrictEqual(preview.status, 0);
        assert.doesNotMatch(preview.output, /Invalid stack config/);
        // The docker provider started and refused (no engine); no plugin of either kind is missing.
        assert.match(preview.output, /docker native provider returned an unexpected error from Configure: failed to connect to any docker daemon/);
        assert.doesNotMatch(preview.output, /no resource plugin|could not find plugin|plugin .* not found/i);
    });
});
