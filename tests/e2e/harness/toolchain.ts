import { spawnSync } from "child_process";
import * as path from "path";

export const ROOT = path.resolve(__dirname, "..", "..", "..");

let cachedDir: string | undefined;

/** The toolchain cache of the current versions.env (tests/e2e/toolchain/build.sh fills it); asked once per process. */
export function toolchainDir(): string {
    if (cachedDir === undefined) {
        const result = spawnSync("bash", [path.join(ROOT, "tests/e2e/toolchain/build.sh"), "--print-dir"], { encoding: "utf8" });
        if (result.status !== 0) throw new Error(`toolchain/build.sh --print-dir failed:\n${result.stderr}`);
        cachedDir = result.stdout.trim();
    }
    return cachedDir;
}

/** Path of a binary the toolchain built (pulumi, kube-apiserver, kubectl, kwok, ...). */
export function tool(name: string): string {
    return path.join(toolchainDir(), "bin", name);
}
