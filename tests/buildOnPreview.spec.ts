import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

interface Step {
    uses?: string;
    with?: Record<string, unknown>;
}
const workflow = (file: string) =>
    parse(fs.readFileSync(path.join(__dirname, "..", ".github", "workflows", file), "utf8")) as {
        jobs: Record<string, { steps: Step[] }>;
    };
const pulumiStep = (file: string, job: string) =>
    workflow(file).jobs[job].steps.find((s) => s.uses?.startsWith("pulumi/actions@") === true);

describe("build on preview in the pull-request check", () => {
    it("previews every stack with stevedore:buildOnPreview on, set the way pulumi/actions reads config-map (YAML of key -> {value, secret})", () => {
        const configMap = parse(String(pulumiStep("pull-request.yml", "preview")?.with?.["config-map"])) as Record<
            string,
            unknown
        >;
        assert.deepStrictEqual(configMap, { "stevedore:buildOnPreview": { value: "true", secret: false } });
    });

    it("leaves it off for pulumi up on main, whose builds push anyway", () => {
        for (const [job, wf] of Object.entries(workflow("deploy.yml").jobs)) {
            const step = wf.steps.find((s) => s.uses?.startsWith("pulumi/actions@") === true);
            assert.strictEqual(step?.with?.["config-map"], undefined, job);
        }
    });
});
