import * as assert from "assert";
import * as http from "http";
import { AddressInfo } from "net";
import { fromReferences } from "../components/image/baseImages";
import { runFailing, runProgram } from "./harness/program";
import { stackConfig, withConfig } from "./harness/stacks";

const dev = stackConfig("dev");
const IMAGE = "docker:index/image:Image";
const apps = (c: Record<string, unknown>) => c["stevedore:apps"] as Record<string, unknown>[];

describe("FROM references for refreshBaseImages", () => {
    it("resolves ARG-parameterised FROMs with the build args over the ARG defaults, and skips scratch and stages", () => {
        const dockerfile = [
            "ARG NODE_IMAGE=node:22-bookworm-slim",
            "ARG TOOLS",
            "FROM ${NODE_IMAGE} AS test",
            "FROM --platform=$BUILDPLATFORM ${TOOLS:-golang:1.26} AS tools",
            "FROM test",
            "FROM scratch",
            "FROM $NODE_IMAGE",
        ].join("\n");
        assert.deepStrictEqual(fromReferences(dockerfile, {}), ["node:22-bookworm-slim", "golang:1.26"]);
        assert.deepStrictEqual(
            fromReferences(dockerfile, { NODE_IMAGE: "reg.example.com/node:22", TOOLS: "tools:1" }),
            ["reg.example.com/node:22", "tools:1"],
        );
    });
});

describe("stevedore:refreshBaseImages (a registry on loopback answers the base image's digest)", () => {
    let server: http.Server;
    let digest = `sha256:${"1".repeat(64)}`;
    let requests = 0;
    let base = "";

    before(async () => {
        server = http.createServer((req, res) => {
            requests++;
            if (req.method === "HEAD" && req.url === "/v2/stevedore/node/manifests/22") {
                res.writeHead(200, { "docker-content-digest": digest }).end();
            } else res.writeHead(404).end();
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        base = `localhost:${(server.address() as AddressInfo).port}/stevedore/node:22`;
    });
    after(() => server.close());

    const config = (refresh: { stack?: boolean; backend?: boolean }) =>
        withConfig(dev, (c) => {
            for (const app of apps(c)) app.buildArgs = { NODE_IMAGE: base };
            if (refresh.stack !== undefined) c["stevedore:refreshBaseImages"] = refresh.stack;
            if (refresh.backend !== undefined) apps(c)[0].refreshBaseImages = refresh.backend;
        });
    const tags = async (refresh: { stack?: boolean; backend?: boolean }) => {
        const run = await runProgram(config(refresh));
        return ["backend", "frontend"].map((app) => String(run.get(IMAGE, `${app}-image`).inputs.imageName));
    };

    it("changes the tag of exactly the apps that opted in when the base image is republished, with one request per base image", async () => {
        digest = `sha256:${"1".repeat(64)}`;
        const off = await tags({});
        requests = 0;
        const first = await tags({ stack: true, backend: true });
        assert.strictEqual(requests, 2, "one HEAD per app's base image");
        assert.notDeepStrictEqual(first, off, "turning it on changes the hash once");
        digest = `sha256:${"2".repeat(64)}`;
        assert.deepStrictEqual(await tags({}), off, "without the opt-in a republished base changes nothing");
        const second = await tags({ stack: false, backend: true });
        assert.notStrictEqual(second[0], first[0], "the backend opted in: new tag");
        assert.strictEqual(second[1], off[1], "the frontend did not");
    });

    it("fails naming the app, the reference and the way out when the base image cannot be resolved", async () => {
        const failed = await runFailing(
            withConfig(config({ stack: true }), (c) => {
                apps(c)[0].buildArgs = { NODE_IMAGE: base.replace(":22", ":missing") };
            }),
        );
        assert.match(
            failed.error.message,
            /stevedore:apps\[0\]\.refreshBaseImages: app "backend": cannot resolve base image localhost:\d+\/stevedore\/node:missing \(HTTP 404 from http:\/\/localhost:\d+\/v2\/stevedore\/node\/manifests\/missing\)/,
        );
    });
});
