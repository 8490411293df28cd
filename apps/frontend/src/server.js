"use strict";
const http = require("http");
const { createHandler } = require("./app");

const port = Number(process.env.PORT || 8080);
const backendUrl = process.env.BACKEND_URL || "http://backend:8080";
const server = http.createServer(createHandler({ backendUrl }));
server.listen(port, () => console.log(`frontend listening on :${port}, backend at ${backendUrl}`));

process.on("SIGTERM", () => server.close(() => process.exit(0)));
