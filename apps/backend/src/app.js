"use strict";
// The backend's request handling, kept free of the listening socket so tests can drive it directly.
const crypto = require("crypto");
const fs = require("fs");

/** What this build was made from: set at build time by stevedore (see the Dockerfile). */
function buildInfo(env) {
    return {
        app: "backend",
        sourceHash: env.STEVEDORE_SOURCE_HASH || "unknown",
        node: process.version,
    };
}

/**
 * What the pod was given at runtime, for checking a deployment from outside: the contents of the
 * file named by CONFIG_FILE, and a sha256 of DB_PASSWORD (never the value itself).
 */
function runtimeInfo(env) {
    let configFile = null;
    if (env.CONFIG_FILE) {
        try {
            configFile = fs.readFileSync(env.CONFIG_FILE, "utf8");
        } catch {
            configFile = null;
        }
    }
    const secretSha256 = env.DB_PASSWORD ? crypto.createHash("sha256").update(env.DB_PASSWORD).digest("hex") : null;
    return { configFile, secretSha256 };
}

function sendJson(res, status, body) {
    const text = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
    res.end(text);
}

/** Returns the request handler; `env` is injected so tests control what /version reports. */
function createHandler(env = process.env) {
    const info = buildInfo(env);
    const started = Date.now();
    return (req, res) => {
        const url = new URL(req.url, "http://backend.invalid");
        if (req.method !== "GET") return sendJson(res, 405, { error: "method not allowed" });
        switch (url.pathname) {
            case "/healthz":
                return sendJson(res, 200, { status: "ok" });
            case "/version":
                return sendJson(res, 200, info);
            case "/runtime":
                return sendJson(res, 200, runtimeInfo(env));
            case "/api/greeting": {
                const name = (url.searchParams.get("name") || "world").slice(0, 64);
                return sendJson(res, 200, {
                    greeting: `hello, ${name}`,
                    uptimeSeconds: Math.floor((Date.now() - started) / 1000),
                });
            }
            default:
                return sendJson(res, 404, { error: "not found", path: url.pathname });
        }
    };
}

module.exports = { createHandler, buildInfo, runtimeInfo };
