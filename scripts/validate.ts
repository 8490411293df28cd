/**
 * `npm run validate [-- <stack | path/to/Pulumi.<stack>.yaml>...]` (default: dev): checks stack
 * files offline, with no Pulumi CLI, cloud or Docker. Each stack's config (the project file's defaults under the stack file's values) runs
 * through the real program under an offline engine that creates nothing, so the messages and
 * the verdict are the program's own. Encrypted values cannot be read offline: they count as set,
 * and keep counting as secrets.
 *
 * Exit status: 0 all valid, 1 a stack's config is invalid, 2 a stack file could not be read or
 * the program failed for another reason.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";

const ROOT = path.resolve(__dirname, "..");
const SECRET_PLACEHOLDER = "encrypted-value-not-read-offline";

type Values = Record<string, unknown>;

/** The project file's declared defaults, as `stevedore:key` -> value. */
function projectDefaults(): Values {
    const project = parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as {
        config?: Record<string, { default?: unknown }>;
    };
    return Object.fromEntries(
        Object.entries(project.config ?? {}).flatMap(([key, decl]) =>
            decl.default === undefined ? [] : [[key, decl.default]],
        ),
    );
}

/** Config as the engine hands it to a program (strings; maps and lists as JSON), and which keys are secret. */
function engineConfig(stackFile: string): { config: Record<string, string>; secretKeys: string[] } {
    const doc = (parse(fs.readFileSync(stackFile, "utf8")) ?? {}) as { config?: Values };
    const merged: Values = { ...projectDefaults(), ...(doc.config ?? {}) };
    const secretKeys: string[] = [];
    const config: Record<string, string> = {};
    for (const [key, value] of Object.entries(merged)) {
        if (value !== null && typeof value === "object" && "secure" in value) {
            secretKeys.push(key);
            config[key] = SECRET_PLACEHOLDER;
        } else {
            config[key] = typeof value === "string" ? value : JSON.stringify(value);
        }
    }
    return { config, secretKeys };
}

/** An engine that answers every registration with its own inputs and every cloud call with nothing. */
const offline: pulumi.runtime.Mocks = {
    newResource: (args: pulumi.runtime.MockResourceArgs) => ({
        id: `${args.name}-offline`,
        state: args.inputs as Record<string, unknown>,
    }),
    call: () => ({}),
};

const isConfigError = (error: unknown): error is Error => error instanceof Error && error.name === "ConfigError";

/**
 * Runs the program on one stack's config; resolves to the problem it reports, or undefined when
 * valid. Only config errors count: the offline engine answers cloud reads with nothing, so an
 * error computed from such an answer says nothing about the stack file.
 */
async function check(stack: string, file: string): Promise<{ kind: "config" | "other"; message: string } | undefined> {
    const { config, secretKeys } = engineConfig(file);
    await pulumi.runtime.setMocks(offline, "stevedore", stack, true);
    pulumi.runtime.setAllConfig(config, secretKeys);
    // Errors raised inside an apply surface as unhandled rejections, as they do under the engine.
    const late: unknown[] = [];
    const collect = (error: unknown) => late.push(error);
    process.on("unhandledRejection", collect);
    try {
        const program = (await import("../index")).default as () => Promise<unknown>;
        await program();
        await new Promise((resolve) => setTimeout(resolve, 300));
        const configError = late.find(isConfigError);
        return configError === undefined ? undefined : { kind: "config", message: configError.message };
    } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return { kind: isConfigError(error) ? "config" : "other", message };
    } finally {
        process.off("unhandledRejection", collect);
    }
}

async function main(): Promise<number> {
    const stacks = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ["dev"];
    let status = 0;
    for (const arg of stacks) {
        // A path names the file itself; a bare name is a stack of this project.
        const file = arg.endsWith(".yaml") ? path.resolve(arg) : path.join(ROOT, `Pulumi.${arg}.yaml`);
        const stack = path.basename(file).replace(/^Pulumi\.|\.yaml$/g, "");
        if (!fs.existsSync(file)) {
            const known = fs
                .readdirSync(ROOT)
                .filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f))
                .map((f) => f.split(".")[1]);
            console.error(`${arg}: no such stack file; stacks here: ${known.join(", ")}`);
            status = Math.max(status, 2);
            continue;
        }
        const problem = await check(stack, file);
        const name = path.relative(process.cwd(), file);
        if (problem === undefined) {
            console.log(`${name}: valid`);
        } else {
            console.error(
                `${name}: ${problem.kind === "config" ? "" : "the program failed offline: "}${problem.message}`,
            );
            status = Math.max(status, problem.kind === "config" ? 1 : 2);
        }
    }
    return status;
}

main().then(
    (status) => process.exit(status),
    (error: unknown) => {
        console.error(error);
        process.exit(2);
    },
);
