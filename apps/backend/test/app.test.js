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
