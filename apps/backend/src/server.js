"use strict";
const http = require("http");
const { createHandler } = require("./app");

const port = Number(process.env.PORT || 8080);
const server = http.createServer(createHandler());
server.listen(port, () => console.log(`backend listening on :${port}`));

// Kubernetes sends SIGTERM before removing a pod: finish in-flight requests, then exit.
process.on("SIGTERM", () => server.close(() => process.exit(0)));
