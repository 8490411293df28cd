import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { appName } from "./spec";

/** A tiny app: what a real one has in its build context, at the smallest size that still hashes real files. */
function writeApp(dir: string, name: string): void {
    fs.mkdirSync(path.join(dir, "node_modules"), { recursive: true });
    fs.writeFileSync(
        path.join(dir, "Dockerfile"),
        ["FROM node:22-alpine", "WORKDIR /app", "COPY server.js .", "USER 10001", 'CMD ["node", "server.js"]', ""].join(
            "\n",
        ),
    );
    fs.writeFileSync(
        path.join(dir, "server.js"),
        `require("http").createServer((req, res) => res.end(${JSON.stringify(name)})).listen(Number(process.env.PORT ?? 8080));\n`,
    );
    // An ignored directory, so the context walk exercises the .dockerignore rules too.
    fs.writeFileSync(path.join(dir, "node_modules", "ignored.js"), "module.exports = 1;\n");
    fs.writeFileSync(path.join(dir, ".dockerignore"), "node_modules\n*.log\n");
}

/** Creates `count` app directories under a new temp directory (outside the repository) and returns it. */
export function createApps(count: number): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "stevedore-bench-"));
    for (let i = 1; i <= count; i++) writeApp(path.join(root, appName(i)), appName(i));
    return root;
}

export function removeApps(root: string): void {
    fs.rmSync(root, { recursive: true, force: true });
}
