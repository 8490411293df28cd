import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { localSettingsSchema } from "../components/local/settings";

// GitHub cannot be reached from here, so the workflows are checked statically: the schema by
// action-validator, the delivery rules by reading the parsed YAML, the inline script by running it.

const ROOT = path.resolve(__dirname, "..");
const WORKFLOW_DIR = path.join(ROOT, ".github", "workflows");
const VALIDATOR = path.join(ROOT, "node_modules", ".bin", "action-validator");

type Fields = Record<string, unknown>;
interface Step {
    id?: string;
    name?: string;
    uses?: string;
    run?: string;
    if?: string;
    with?: Fields;
    env?: Fields;
    "working-directory"?: string;
}
interface Job {
    if?: string;
    permissions?: Fields;
    needs?: string | string[];
    environment?: string;
    concurrency?: { group: string; "cancel-in-progress": boolean };
    strategy?: { matrix: Fields };
    env?: Fields;
    steps: Step[];
}
interface Workflow {
    on: Fields;
    permissions: Fields;
    jobs: Record<string, Job>;
}

const files = fs.readdirSync(WORKFLOW_DIR).filter((f) => /\.ya?ml$/.test(f));
const load = (file: string) => parse(fs.readFileSync(path.join(WORKFLOW_DIR, file), "utf8")) as Workflow;
const pr = load("pull-request.yml");
const deploy = load("deploy.yml");

const pulumiStep = (job: Job): Step | undefined => job.steps.find((s) => s.uses?.startsWith("pulumi/actions@"));
const pulumiJobs = (wf: Workflow) => Object.entries(wf.jobs).filter(([, job]) => pulumiStep(job) !== undefined);
const allPulumiJobs = [...pulumiJobs(pr), ...pulumiJobs(deploy)];
const indexOf = (job: Job, match: (s: Step) => boolean) => job.steps.findIndex(match);
const validate = (file: string) => spawnSync(VALIDATOR, [file], { encoding: "utf8" });

/** The stacks a job works on: its matrix, or the STACK of its env. */
function stacksOf(job: Job): string[] {
    const matrix = job.strategy?.matrix.stack;
    return Array.isArray(matrix) ? matrix.map(String) : [String(job.env?.STACK)];
}

/** Runs the workflow's "facts" step script in `cwd` for `stack`, returning what it writes to GITHUB_OUTPUT. */
function runFacts(stack: string, cwd = ROOT, backend = ""): Fields {
    const script = pr.jobs.preview.steps.find((s) => s.id === "facts")?.run ?? "";
    const output = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "facts-")), "out");
    const env = {
        ...process.env,
        STACK: stack,
        PULUMI_BACKEND_URL: backend,
        GITHUB_OUTPUT: output,
        NODE_PATH: path.join(ROOT, "node_modules"),
    };
    const run = spawnSync("bash", ["-c", script], { cwd, env, encoding: "utf8" });
    assert.strictEqual(run.status, 0, run.stderr);
    const lines = fs.readFileSync(output, "utf8").trim().split("\n");
    return Object.fromEntries(
        lines.map((line): [string, string] => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
    );
}

describe("workflows", () => {
    describe("action-validator", () => {
        it("finds the two workflows", () => assert.deepStrictEqual(files.sort(), ["deploy.yml", "pull-request.yml"]));

        for (const file of files) {
            it(`accepts ${file}`, () => {
                const result = validate(path.join(WORKFLOW_DIR, file));
                assert.strictEqual(result.status, 0, result.stdout + result.stderr);
            });
        }

        const breakages: [string, (text: string) => string][] = [
            ["a misspelt key", (text) => text.replace("runs-on:", "run-on:")],
            ["a step with neither uses nor run", (text) => text.replace("- run: npm ci", "- name: npm ci")],
        ];
        for (const [what, breakIt] of breakages) {
            it(`rejects a copy with ${what}`, () => {
                const original = fs.readFileSync(path.join(WORKFLOW_DIR, "pull-request.yml"), "utf8");
                const broken = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "workflow-")), "broken.yml");
                fs.writeFileSync(broken, breakIt(original));
                assert.notStrictEqual(breakIt(original), original);
                assert.notStrictEqual(validate(broken).status, 0);
            });
        }
    });

    describe("pull requests", () => {
        const job = pr.jobs.preview;

        it("run on pull_request, previewing dev and prod", () => {
            assert.ok("pull_request" in pr.on);
            assert.deepStrictEqual(stacksOf(job), ["dev", "prod"]);
        });

        it("install with Node 22 and the policy pack, then preview with the pack and comment, after the tests", () => {
            const setup = indexOf(
                job,
                (s) => s.uses?.startsWith("actions/setup-node@") === true && s.with?.["node-version"] === 22,
            );
            const ci = indexOf(job, (s) => s.run === "npm ci");
            const pack = indexOf(job, (s) => s["working-directory"] === "policy" && s.run === "npm ci");
            const preview = indexOf(job, (s) => s === pulumiStep(job));
            assert.ok(setup >= 0 && setup < ci && ci < pack && pack < preview, `${setup} ${ci} ${pack} ${preview}`);
            assert.strictEqual(job.needs, "test");
            assert.deepStrictEqual(pulumiStep(job)?.with, {
                ...pulumiStep(job)?.with,
                command: "preview",
                "stack-name": "${{ matrix.stack }}",
                "comment-on-pr": true,
                policyPacks: "policy",
            });
        });

        it("test every pull request, forks included, and preview only a branch of this repository", () => {
            const test = pr.jobs.test;
            assert.strictEqual(test.if, undefined);
            // npm test runs the policy pack's suite too, so the pack is installed first.
            assert.ok(
                indexOf(test, (s) => s["working-directory"] === "policy") < indexOf(test, (s) => s.run === "npm test"),
            );
            assert.strictEqual(job.if, "github.event.pull_request.head.repo.full_name == github.repository");
            assert.ok(!job.steps.some((s) => s.run === "npm test"), "the tests run without the preview's OIDC token");
        });

        it("report a failed preview on the pull request, since pulumi/actions comments only after success", () => {
            const report = job.steps[job.steps.length - 1];
            assert.ok(indexOf(job, (s) => s === pulumiStep(job)) < job.steps.length - 1);
            assert.strictEqual(report.if, "failure()");
            assert.match(
                String(report.run),
                /^gh pr comment "\$PR" --repo "\$GITHUB_REPOSITORY" --body "[^"]*\$STACK failed[^"]*\$RUN_URL"/,
            );
            assert.strictEqual(report.env?.PR, "${{ github.event.pull_request.number }}");
            assert.strictEqual(report.env?.GH_TOKEN, "${{ github.token }}");
            assert.strictEqual(job.permissions?.["pull-requests"], "write");
        });
    });

    describe("main", () => {
        it("runs on push to main: up dev, then up prod behind the production environment", () => {
            assert.deepStrictEqual((deploy.on.push as Fields).branches, ["main"]);
            const dev = deploy.jobs["up-dev"];
            const prod = deploy.jobs["up-prod"];
            assert.deepStrictEqual([stacksOf(dev), stacksOf(prod)], [["dev"], ["prod"]]);
            for (const job of [dev, prod]) {
                assert.strictEqual(pulumiStep(job)?.with?.command, "up");
                assert.strictEqual(pulumiStep(job)?.with?.["stack-name"], "${{ env.STACK }}");
                assert.strictEqual(pulumiStep(job)?.with?.policyPacks, "policy");
            }
            assert.strictEqual(dev.needs, "test");
            assert.strictEqual(prod.needs, "up-dev");
            assert.strictEqual(prod.environment, "production");
            assert.strictEqual(dev.environment, "dev");
            const runs = deploy.jobs.test.steps.map((s) => s.run);
            assert.ok(runs.indexOf("npm ci") < runs.indexOf("npm test"));
        });
    });

    describe("every Pulumi job", () => {
        it("alone can request an OIDC token; the test jobs, which run every dev dependency, cannot", () => {
            for (const wf of [pr, deploy]) assert.deepStrictEqual(wf.permissions, { contents: "read" });
            for (const [name, job] of allPulumiJobs) assert.strictEqual(job.permissions?.["id-token"], "write", name);
            for (const job of [pr.jobs.test, deploy.jobs.test]) assert.strictEqual(job.permissions, undefined);
        });

        it("signs in as its own identity: previews a read-only one, deploys their environment's", () => {
            const identity = (job: Job) => [job.env?.AZURE_IDENTITY, job.env?.AWS_IDENTITY, job.env?.GCP_IDENTITY];
            assert.deepStrictEqual(identity(pr.jobs.preview), [
                "${{ vars.AZURE_PREVIEW_CLIENT_ID }}",
                "${{ vars.AWS_PREVIEW_ROLE_ARN }}",
                "${{ vars.GCP_PREVIEW_SERVICE_ACCOUNT }}",
            ]);
            for (const name of ["up-dev", "up-prod"]) {
                assert.deepStrictEqual(identity(deploy.jobs[name]), [
                    "${{ vars.AZURE_DEPLOY_CLIENT_ID }}",
                    "${{ vars.AWS_DEPLOY_ROLE_ARN }}",
                    "${{ vars.GCP_DEPLOY_SERVICE_ACCOUNT }}",
                ]);
                // The environment makes the token's subject repo:<org>/<repo>:environment:<name>.
                assert.ok(deploy.jobs[name].environment, name);
            }
            for (const [name, job] of allPulumiJobs) {
                const login = (action: string) => job.steps.find((s) => s.uses?.startsWith(action))?.with ?? {};
                assert.strictEqual(login("azure/login@")["client-id"], "${{ env.AZURE_IDENTITY }}", name);
                assert.strictEqual(pulumiStep(job)?.env?.ARM_CLIENT_ID, "${{ env.AZURE_IDENTITY }}", name);
                assert.strictEqual(
                    login("aws-actions/configure-aws-credentials@")["role-to-assume"],
                    "${{ env.AWS_IDENTITY }}",
                    name,
                );
                assert.strictEqual(
                    login("google-github-actions/auth@").service_account,
                    "${{ env.GCP_IDENTITY }}",
                    name,
                );
            }
        });

        it("runs the Pulumi CLI version the e2e pins", () => {
            const versions = fs.readFileSync(path.join(ROOT, "tests", "e2e", "toolchain", "versions.env"), "utf8");
            const pinned = /^PULUMI_VERSION=(\S+)$/m.exec(versions)?.[1];
            assert.ok(pinned !== undefined);
            for (const [name, job] of allPulumiJobs)
                assert.strictEqual(String(pulumiStep(job)?.with?.["pulumi-version"]), pinned, name);
        });

        it("signs in to each cloud by OIDC, with no keys", () => {
            for (const [name, job] of allPulumiJobs) {
                const login = (action: string) => job.steps.find((s) => s.uses?.startsWith(action))?.with ?? {};
                assert.deepStrictEqual(
                    Object.keys(login("azure/login@")).sort(),
                    ["client-id", "subscription-id", "tenant-id"],
                    name,
                );
                assert.deepStrictEqual(
                    Object.keys(login("aws-actions/configure-aws-credentials@")).sort(),
                    ["aws-region", "role-to-assume"],
                    name,
                );
                assert.deepStrictEqual(
                    Object.keys(login("google-github-actions/auth@")).sort(),
                    ["service_account", "workload_identity_provider"],
                    name,
                );
            }
        });

        it("references no long-lived cloud key", () => {
            for (const file of files) {
                const text = fs.readFileSync(path.join(WORKFLOW_DIR, file), "utf8");
                for (const key of [
                    "AWS_SECRET_ACCESS_KEY",
                    "AWS_ACCESS_KEY_ID",
                    "AZURE_CLIENT_SECRET",
                    "AZURE_CREDENTIALS",
                    "GOOGLE_CREDENTIALS",
                    "credentials_json",
                    "client-secret",
                ]) {
                    assert.ok(!text.includes(key), `${file} mentions ${key}`);
                }
            }
        });

        it("takes the backend URL and passphrase from repository secrets", () => {
            for (const [name, job] of allPulumiJobs) {
                assert.match(String(pulumiStep(job)?.with?.["cloud-url"]), /secrets\.PULUMI_BACKEND_URL/, name);
                assert.strictEqual(
                    pulumiStep(job)?.env?.PULUMI_CONFIG_PASSPHRASE,
                    "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}",
                    name,
                );
            }
        });

        it("has a concurrency group per stack; ups are never cancelled and never share a group with previews", () => {
            for (const [name, job] of allPulumiJobs) {
                const group = job.concurrency?.group ?? "";
                const stack = job.strategy === undefined ? String(job.env?.STACK) : "${{ matrix.stack }}";
                assert.ok(group.includes(stack), `${name}: ${group}`);
            }
            for (const name of ["up-dev", "up-prod"])
                assert.strictEqual(deploy.jobs[name].concurrency?.["cancel-in-progress"], false, name);
            assert.ok(!String(pr.jobs.preview.concurrency?.group).startsWith("pulumi-up-"));
        });

        it("pins every action to a major version", () => {
            for (const wf of [pr, deploy]) {
                for (const job of Object.values(wf.jobs))
                    for (const s of job.steps) if (s.uses) assert.match(s.uses, /^[\w.-]+\/[\w.-]+@v\d+$/);
            }
        });

        it("shares one set of setup steps (the copies in the two workflows stay equal)", () => {
            const setup = (job: Job) =>
                JSON.stringify(
                    job.steps
                        .slice(
                            0,
                            indexOf(job, (s) => s === pulumiStep(job)),
                        )
                        .filter((s) => s.run !== "npm test" && !String(s.name).startsWith("Check that the production")),
                );
            const [first, ...rest] = allPulumiJobs.map(([, job]) => setup(job).replace(/matrix\.stack/g, "env.STACK"));
            for (const other of rest) assert.strictEqual(other, first);
        });

        it("gives a local target a kind cluster from scripts/kind.sh, and state that dies with the runner", () => {
            for (const [name, job] of allPulumiJobs) {
                const kind = job.steps.find((s) => s.uses?.startsWith("helm/kind-action@"));
                const create = job.steps.find((s) => s.run?.includes("bash scripts/kind.sh"));
                assert.strictEqual(kind?.with?.install_only, true, name);
                for (const s of [kind, create])
                    assert.strictEqual(s?.if, "steps.facts.outputs.target == 'local'", name);
                assert.deepStrictEqual(create?.env, {
                    STEVEDORE_KIND_CLUSTER: "${{ steps.facts.outputs.kind_cluster }}",
                    STEVEDORE_REGISTRY_PORT: "${{ steps.facts.outputs.registry_port }}",
                    STEVEDORE_REGISTRY_NAME: "${{ steps.facts.outputs.registry_container }}",
                });
                assert.match(
                    String(pulumiStep(job)?.with?.["cloud-url"]),
                    /^\$\{\{ steps\.facts\.outputs\.target == 'local' && format\('file:\/\/\{0\}\/pulumi-state', runner\.temp\)/,
                );
            }
        });

        it("builds for foreign platforms with QEMU and buildx only when they differ from the runner", () => {
            for (const [, job] of allPulumiJobs) {
                for (const action of ["docker/setup-qemu-action@", "docker/setup-buildx-action@"]) {
                    assert.strictEqual(
                        job.steps.find((s) => s.uses?.startsWith(action))?.if,
                        "steps.facts.outputs.foreign != ''",
                    );
                }
            }
        });
    });

    describe("the stack facts step", () => {
        it("reads the dev stack: local target, kind cluster and registry as the local target's schema says", () => {
            const facts = runFacts("dev");
            const dev = (parse(fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8")) as { config: Fields })
                .config;
            const local = localSettingsSchema.parse(dev["stevedore:local"]);
            assert.strictEqual(facts.target, "local");
            assert.strictEqual(facts.registry_port, String(local.registry.port));
            assert.strictEqual(facts.registry_container, local.registry.containerName);
            assert.strictEqual(`kind-${String(facts.kind_cluster)}`, local.context);
        });

        it("reads the prod stack's target", () => assert.strictEqual(runFacts("prod").target, "aks"));

        it("signs in to the target's cloud and to the state backend's", () => {
            const logins = (stack: string, backend: string) => {
                const facts = runFacts(stack, ROOT, backend);
                return [facts.login_azure, facts.login_aws, facts.login_gcp];
            };
            assert.deepStrictEqual(logins("prod", "azblob://state?storage_account=x"), ["true", "false", "false"]);
            // An s3:// backend needs AWS credentials although prod targets AKS.
            assert.deepStrictEqual(logins("prod", "s3://state?region=eu-west-1"), ["true", "true", "false"]);
            assert.deepStrictEqual(logins("prod", "gs://state"), ["true", "false", "true"]);
            // The local dev stack keeps its state on the runner, whatever the shared backend.
            assert.deepStrictEqual(logins("dev", "s3://state"), ["false", "false", "false"]);
            for (const [name, job] of allPulumiJobs) {
                for (const [action, cloud] of [
                    ["azure/login@", "azure"],
                    ["aws-actions/configure-aws-credentials@", "aws"],
                    ["google-github-actions/auth@", "gcp"],
                ]) {
                    const step = job.steps.find((s) => s.uses?.startsWith(action));
                    assert.strictEqual(step?.if, `steps.facts.outputs.login_${cloud} == 'true'`, name);
                }
                const facts = job.steps.find((s) => s.id === "facts");
                assert.strictEqual(facts?.env?.PULUMI_BACKEND_URL, "${{ secrets.PULUMI_BACKEND_URL }}", name);
            }
        });

        it("lists platforms that differ from the runner's as foreign", () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-"));
            fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
            const runner = `linux/${process.arch === "x64" ? "amd64" : process.arch}`;
            const other = runner === "linux/arm64" ? "linux/amd64" : "linux/arm64";
            const config = {
                "stevedore:target": "aks",
                "stevedore:platform": runner,
                "stevedore:apps": [{ name: "a" }, { name: "b", platform: other }],
            };
            fs.writeFileSync(path.join(dir, "Pulumi.ci.yaml"), JSON.stringify({ config }));
            const facts = runFacts("ci", dir);
            assert.deepStrictEqual([facts.platforms, facts.foreign], [`${runner},${other}`, other]);
        });
    });
});
