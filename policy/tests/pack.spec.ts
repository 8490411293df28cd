import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import { AnalyzeDiagnostic, AnalyzeRequest, AnalyzerResourceOptions } from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { container, DEPLOYMENT, podSpec, workload } from "./fixtures";
import { COMPUTED, Props } from "./harness";

const PACK_DIR = path.resolve(__dirname, "..");

/** Starts index.ts the way the Pulumi CLI starts a policy pack, and resolves with the gRPC port it prints. */
function startPack(): Promise<{ child: ChildProcess; port: number }> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ["-r", "ts-node/register", "index.ts"], {
            cwd: PACK_DIR,
            env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true", PULUMI_NODEJS_STACK: "prod" },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stderr = "";
        child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        child.stdout?.once("data", (chunk: Buffer) => resolve({ child, port: Number(chunk.toString().trim()) }));
        child.once("exit", (code) => reject(new Error(`policy pack exited with ${code}: ${stderr}`)));
    });
}

function analyze(client: AnalyzerClient, type: string, props: Props): Promise<AnalyzeDiagnostic[]> {
    const options = new AnalyzerResourceOptions()
        .setProtect(false)
        .setCustomtimeouts(new AnalyzerResourceOptions.CustomTimeouts());
    const request = new AnalyzeRequest()
        .setType(type)
        .setName("backend")
        .setUrn(`urn:pulumi:prod::stevedore::${type}::backend`)
        .setProperties(Struct.fromJavaScript(props as Record<string, never>))
        .setOptions(options);
    return new Promise((resolve, reject) =>
        client.analyze(request, (err, response) => (err ? reject(err) : resolve(response?.getDiagnosticsList() ?? []))),
    );
}

describe("the policy pack as the engine drives it (gRPC)", function () {
    // Compiling and starting the pack takes a few seconds on a small machine.
    this.timeout(60000);
    let pack: { child: ChildProcess; port: number };
    let client: AnalyzerClient;

    before(async () => {
        pack = await startPack();
        client = new AnalyzerClient(`127.0.0.1:${pack.port}`, grpc.credentials.createInsecure());
    });
    after(() => {
        client?.close();
        pack?.child.kill();
    });

    it("announces every policy", async () => {
        const info = await new Promise<string[]>((resolve, reject) =>
            client.getAnalyzerInfo(new Empty(), (err, response) =>
                err ? reject(err) : resolve(response?.getPoliciesList().map((p) => p.getName()) ?? []),
            ),
        );
        assert.deepStrictEqual(info.sort(), [
            "health-probes",
            "image-pinned-by-digest",
            "no-helm-release",
            "no-latest-tag",
            "no-never-pull-policy",
            "no-plain-secret-env",
            "replicas-for-availability",
            "resource-limits",
            "run-as-non-root",
        ]);
    });

    it("passes a compliant Deployment", async () => {
        const props = workload(DEPLOYMENT, podSpec([container("backend")]));
        assert.deepStrictEqual(await analyze(client, DEPLOYMENT, props), []);
    });

    it("reports a tag-only :latest image and a single prod replica", async () => {
        const props = workload(DEPLOYMENT, podSpec([container("backend", { image: "backend:latest" })]), 1);
        // The analyzer puts the policy's description on the message's first line, the violation on the last.
        const found = (await analyze(client, DEPLOYMENT, props)).map(
            (d) => `${d.getPolicyname()}: ${d.getMessage().split("\n").pop() ?? ""}`,
        );
        assert.strictEqual(found.length, 3, found.join("\n"));
        assert.match(
            found[0],
            /^image-pinned-by-digest: container "backend": image "backend:latest" is not pinned by digest/,
        );
        assert.match(found[1], /^no-latest-tag: container "backend"/);
        // The engine passed PULUMI_NODEJS_STACK=prod, so the advisory replicas rule applies.
        assert.match(found[2], /^replicas-for-availability: Deployment "backend" runs 1 replica/);
    });

    it("does not fail on a digest that is still computed under preview", async () => {
        const props = workload(DEPLOYMENT, podSpec([container("backend", { image: COMPUTED.string })]));
        assert.deepStrictEqual(await analyze(client, DEPLOYMENT, props), []);
    });
});
