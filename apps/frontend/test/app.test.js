"use strict";
const assert = require("node:assert/strict");
const http = require("node:http");
const { test, before, after } = require("node:test");
const { createHandler } = require("../src/app");

// A stand-in backend on loopback, so the test checks the real forwarding over HTTP.
let backend;
let frontend;
let base;
const listen = (server) =>
    new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${server.address().port}`)));

before(async () => {
    backend = http.createServer((req, res) => {
        const body = req.url.startsWith("/version")
            ? { app: "backend", sourceHash: "feed" }
            : { greeting: `hello from ${req.url}` };
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
    });
    const backendUrl = await listen(backend);
    frontend = http.createServer(createHandler({ backendUrl, timeoutMs: 500 }));
    base = await listen(frontend);
});
after(() => {
    backend.close();
    frontend.close();
});

test("serves the page", async () => {
    const res = await fetch(`${base}/`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /stevedore sample frontend/);
});

test("forwards /api/version to the backend's /version", async () => {
    assert.deepEqual(await (await fetch(`${base}/api/version`)).json(), { app: "backend", sourceHash: "feed" });
});

test("forwards the greeting with its query", async () => {
    const body = await (await fetch(`${base}/api/greeting?name=x`)).json();
    assert.equal(body.greeting, "hello from /api/greeting?name=x");
});

test("answers 502 naming the backend when it is unreachable", async () => {
    const lonely = http.createServer(createHandler({ backendUrl: "http://127.0.0.1:9", timeoutMs: 500 }));
    const url = await listen(lonely);
    const res = await fetch(`${url}/api/version`);
    lonely.close();
    assert.equal(res.status, 502);
    assert.equal((await res.json()).backend, "http://127.0.0.1:9");
});
