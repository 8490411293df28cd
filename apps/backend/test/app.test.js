"use strict";
const assert = require("node:assert/strict");
const http = require("node:http");
const { test, before, after } = require("node:test");
const { createHandler } = require("../src/app");

let server;
let base;
before(async () => {
    server = http.createServer(createHandler({ STEVEDORE_SOURCE_HASH: "abc123" }));
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${server.address().port}`;
});
after(() => server.close());

test("healthz answers ok", async () => {
    const res = await fetch(`${base}/healthz`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: "ok" });
});

test("version reports the source hash it was built from", async () => {
    const body = await (await fetch(`${base}/version`)).json();
    assert.equal(body.app, "backend");
    assert.equal(body.sourceHash, "abc123");
});

test("greeting is JSON and bounded", async () => {
    const body = await (await fetch(`${base}/api/greeting?name=${"x".repeat(100)}`)).json();
    assert.equal(body.greeting, `hello, ${"x".repeat(64)}`);
});

test("unknown paths are 404 and other methods 405", async () => {
    assert.equal((await fetch(`${base}/nope`)).status, 404);
    assert.equal((await fetch(`${base}/healthz`, { method: "POST" })).status, 405);
});

test("runtime reports the configured file and only a hash of the secret", async () => {
    const fs = require("node:fs");
    const os = require("node:os");
    const path = require("node:path");
    const { runtimeInfo } = require("../src/app");
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "backend-")), "config.json");
    fs.writeFileSync(file, '{"mode":"e2e"}');
    const info = runtimeInfo({ CONFIG_FILE: file, DB_PASSWORD: "pw" });
    assert.equal(info.configFile, '{"mode":"e2e"}');
    assert.equal(info.secretSha256, "30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4");
    assert.deepEqual(runtimeInfo({}), { configFile: null, secretSha256: null });
    const body = await (await fetch(`${base}/runtime`)).json();
    assert.deepEqual(body, { configFile: null, secretSha256: null });
});
