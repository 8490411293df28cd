/**
 * `npm run rollback -- --stack <stack> <app> [--to …] [--unpin] [--no-up] [--yes]`: deploys the
 * digest an app ran before, from the stack's own `apps.<app>.history` output (no rebuild). It
 * pins that digest with `pulumi config set --path stevedore:apps[<i>].image` (visible in the stack
 * file, so the rollback is reviewable and sticks until removed) and runs `pulumi up`. `--unpin`
 * removes the pin, so the app is built (or promoted) from its sources again. The up runs the
 * policy pack as the workflows' ups do (`--no-policy` to skip it); on a stack that CI deploys, the
 * pin must still be committed (docs/promotion.md), or the next CI up undoes it.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { appIndex, chooseRollback, configJsonValue, parseArgs, policyPackArgs, RollbackError } from "./rollbackPlan";

const ROOT = path.resolve(__dirname, "..");

function pulumi(args: string[], capture: boolean): string {
    const result = spawnSync("pulumi", args, {
        cwd: ROOT,
        encoding: "utf8",
        stdio: capture ? ["inherit", "pipe", "inherit"] : "inherit",
    });
    if (result.error !== undefined)
        throw new RollbackError(
            `cannot run pulumi (${result.error.message}); run \`source scripts/env.sh\` or install the Pulumi CLI`,
        );
    if (result.status !== 0) throw new RollbackError(`pulumi ${args.join(" ")} exited with ${String(result.status)}`);
    return capture ? result.stdout : "";
}

function main(argv: string[]): void {
    const args = parseArgs(argv);
    // Checked before anything changes, so a refused rollback leaves no pin behind.
    if (!args.noUp && !args.noPolicy && !fs.existsSync(path.join(ROOT, "policy", "node_modules"))) {
        throw new RollbackError(
            "the policy pack is not installed (policy/node_modules), and the rollback's up runs it as CI's ups do: run `npm --prefix policy ci`, or pass --no-policy to deploy unchecked",
        );
    }
    const stack = ["--stack", args.stack];
    const index = appIndex(
        configJsonValue(pulumi(["config", "get", "stevedore:apps", "--json", ...stack], true)),
        args.app,
    );
    const key = `stevedore:apps[${index}].image`;

    if (args.unpin) {
        pulumi(["config", "rm", "--path", key, ...stack], false);
        console.log(`${args.app}: pin removed (${key}); the next up builds or promotes it again`);
    } else {
        const choice = chooseRollback(
            JSON.parse(pulumi(["stack", "output", "apps", "--json", ...stack], true)) as unknown,
            args.app,
            args.to,
        );
        console.log(`${args.app}: rolling back from ${choice.current}`);
        console.log(`${args.app}: to ${choice.target}${choice.back > 0 ? ` (${choice.back} deploy(s) back)` : ""}`);
        pulumi(["config", "set", "--path", key, choice.target, ...stack], false);
        console.log(
            `${args.app}: pinned with ${key}; undo with: npm run rollback -- --stack ${args.stack} ${args.app} --unpin`,
        );
    }
    if (!args.noUp) {
        // Unset (a stack with both overrides) exits non-zero, which only means "not local".
        const target = spawnSync("pulumi", ["config", "get", "stevedore:target", ...stack], {
            cwd: ROOT,
            encoding: "utf8",
        });
        const policy = args.noPolicy ? [] : policyPackArgs(ROOT, target.stdout?.trim());
        pulumi(["up", ...stack, ...policy, ...args.upArgs], false);
    }
}

try {
    main(process.argv.slice(2));
} catch (error) {
    console.error(error instanceof RollbackError ? `rollback: ${error.message}` : error);
    process.exit(error instanceof RollbackError ? 1 : 2);
}
