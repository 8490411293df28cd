import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { TestConfig } from "./program";

const ROOT = path.resolve(__dirname, "..", "..");

/** The `config:` map of a shipped stack file (`Pulumi.<stack>.yaml`), so tests run what users run. */
export function stackConfig(stack: string): TestConfig {
    const file = path.join(ROOT, `Pulumi.${stack}.yaml`);
    const doc = parse(fs.readFileSync(file, "utf8")) as { config?: TestConfig };
    if (doc.config === undefined) throw new Error(`${file} has no config: block`);
    return { ...doc.config };
}

/** A deep copy of `config` with `edit` applied, for a variant of a shipped stack. */
export function withConfig(config: TestConfig, edit: (c: Record<string, unknown>) => void): TestConfig {
    const copy = JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
    edit(copy);
    return copy;
}
