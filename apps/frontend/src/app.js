"use strict";
// The frontend serves one page and forwards /api/* to the backend's Service, so the browser only
// ever talks to the frontend and the backend stays private to the cluster.
const fs = require("fs");
const path = require("path");

const PAGE = fs.readFileSync(path.join(__dirname, "index.html"));

function sendJson(res, status, body) {
    const text = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
    res.end(text);
}

/** Returns the request handler; `backendUrl` is the backend Service's base URL. */
function createHandler({ backendUrl, timeoutMs = 3000 }) {
    return async (req, res) => {
        const url = new URL(req.url, "http://frontend.invalid");
        if (req.method !== "GET") return sendJson(res, 405, { error: "method not allowed" });
        if (url.pathname === "/healthz") return sendJson(res, 200, { status: "ok" });
        if (url.pathname === "/") {
            res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-length": PAGE.length });
            return res.end(PAGE);
        }
        if (url.pathname === "/api/version" || url.pathname === "/api/greeting") {
            const upstream = new URL(
                url.pathname === "/api/version" ? "/version" : url.pathname + url.search,
                backendUrl,
            );
            try {
                const answer = await fetch(upstream, { signal: AbortSignal.timeout(timeoutMs) });
                return sendJson(res, answer.status, await answer.json());
            } catch (err) {
                return sendJson(res, 502, {
                    error: "backend unreachable",
                    backend: backendUrl,
                    reason: String(err.message || err),
                });
            }
        }
        return sendJson(res, 404, { error: "not found", path: url.pathname });
    };
}

module.exports = { createHandler };
