// @ts-check
"use strict";
/**
 * The program's entry point (Pulumi.yaml `main`). It runs the JavaScript in bin/ when `npm run
 * build` wrote it from the TypeScript sources as they are now, and the sources through ts-node
 * otherwise. The compiled program skips loading the TypeScript compiler and transpiling every
 * module, in both of `pulumi up`'s evaluations (preview, then update); a stale or missing build
 * only costs that time, never runs old code.
 */
const path = require("path");
const { compiledEntry } = require("./scripts/compile");

const compiled = compiledEntry(__dirname);
if (compiled === undefined) {
    require("ts-node").register({ transpileOnly: true, project: path.join(__dirname, "tsconfig.json") });
}
module.exports = require(compiled ?? "./index.ts");
