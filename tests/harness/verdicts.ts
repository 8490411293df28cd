import * as pulumi from "@pulumi/pulumi";
import { loadConfig } from "../../components/config/load";
import { StackCase, targetOf } from "./arbitraries";
import { awsMocks } from "./awsMocks";
import { azureMocks } from "./azureMocks";
import { gcpMocks } from "./gcpMocks";
import { deployment } from "./k8s";
import { MockOptions, RecordingMocks, Registered } from "./mocks";
import { Expected, Generated } from "./mutations";
import { encodeConfig, fullKeys, run } from "./program";
import { captureWarnings } from "./warnings";

/** What a config did: accepted or rejected, and a counterexample when that breaks a property. */
export interface Verdict {
    outcome: "accepted" | "rejected";
    /** Set when a property failed: what went wrong, for the report. */
    counterexample?: string;
}

const isConfigError = (e: unknown): e is Error => e instanceof Error && e.name === "ConfigError";

/** Problems in a ConfigError message that do not start with a `stevedore:` key. */
function linesWithoutKey(message: string): string[] {
    return message
        .split("\n")
        .slice(1)
        .filter((line) => !/^ {2}- stevedore:[A-Za-z]/.test(line));
}

/** Checks a rejection against what the case expected. */
function judgeRejection(error: unknown, expected: Expected): Verdict {
    if (!isConfigError(error))
        return {
            outcome: "rejected",
            counterexample: `crashed with ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        };
    const unnamed = linesWithoutKey(error.message);
    if (unnamed.length > 0)
        return { outcome: "rejected", counterexample: `problem naming no key: ${unnamed.join(" | ")}` };
    if (expected.kind === "accept")
        return { outcome: "rejected", counterexample: `a valid config was rejected: ${error.message}` };
    if (expected.kind === "reject") {
        const missing = expected.keys.filter((key) => !error.message.includes(key));
        if (missing.length > 0)
            return {
                outcome: "rejected",
                counterexample: `${expected.mutation}: message does not name ${missing.join(", ")}: ${error.message}`,
            };
    }
    return { outcome: "rejected" };
}

/** Checks plain-text warnings: exactly the credential keys set without --secret, each with its command. */
function judgeWarnings(warnings: string[], expected: Expected & { kind: "accept" }): string | undefined {
    const plain = warnings.filter((w) => w.includes("plain text"));
    const named = plain.map((w) => w.split(" ")[0]).sort();
    const wanted = expected.plaintext.map((k) => `stevedore:${k}`).sort();
    if (named.join() !== wanted.join())
        return `plain-text warnings for [${named.join(", ")}], expected [${wanted.join(", ")}]`;
    const noCommand = plain.find((w) => !w.includes(`pulumi config set --secret ${w.split(" ")[0]}`));
    return noCommand === undefined ? undefined : `warning without its command: ${noCommand}`;
}

/** Runs the program's config validation (loadConfig, as index.ts calls it) on one case, with no engine. */
export function loaderVerdict(c: Generated): Verdict {
    pulumi.runtime.setAllConfig(encodeConfig(c.config), fullKeys(c.secretKeys));
    const capture = captureWarnings();
    try {
        loadConfig();
    } catch (error) {
        return judgeRejection(error, c.expected);
    } finally {
        capture.stop();
    }
    if (c.expected.kind === "reject") {
        return {
            outcome: "accepted",
            counterexample: `${c.expected.mutation}: invalid config accepted (expected an error naming ${c.expected.keys.join(", ")})`,
        };
    }
    if (c.expected.kind === "accept") {
        const problem = judgeWarnings(capture.warnings, c.expected);
        if (problem !== undefined) return { outcome: "accepted", counterexample: problem };
    }
    return { outcome: "accepted" };
}

/** Mocks of the cloud a case's target talks to, answering for the clusters and repositories it names. */
export function mocksFor(c: StackCase): MockOptions {
    const target = targetOf(c.variant);
    if (target === "aks") return azureMocks();
    if (target === "gke") return gcpMocks();
    if (target !== "eks") return {};
    // Mutated configs may lack any of these; the mocks then answer for nothing, like AWS would.
    const aws = (c.config["stevedore:aws"] ?? {}) as {
        region?: string;
        cluster?: { name?: string };
        registry?: { prefix?: string };
    };
    const apps = Array.isArray(c.config["stevedore:apps"]) ? (c.config["stevedore:apps"] as { name: string }[]) : [];
    const prefix = aws.registry?.prefix;
    return awsMocks({
        region: aws.region,
        clusters: aws.cluster?.name === undefined ? [] : [aws.cluster.name],
        repositories: apps.map((a) => (prefix === undefined ? a.name : `${prefix}/${a.name}`)),
    });
}

/** An image reference pinned by digest: `repo@sha256:<64 hex>`. */
export const DIGEST_PINNED = /^[^\s@]+@sha256:[0-9a-f]{64}$/;

/** Problems with the Deployments of an accepted run: one per app, every container pinned by digest. */
function deploymentProblems(c: StackCase, resources: Registered[]): string[] {
    const deployments = resources.filter((r) => r.type === "kubernetes:apps/v1:Deployment");
    const apps = (c.config["stevedore:apps"] as { name: string }[]).map((a) => `${a.name}-deploy`).sort();
    const names = deployments.map((d) => d.name).sort();
    if (names.join() !== apps.join()) return [`Deployments [${names.join(", ")}], expected [${apps.join(", ")}]`];
    return deployments.flatMap((d) =>
        deployment(d)
            .spec.template.spec.containers.filter((container) => !DIGEST_PINNED.test(String(container.image)))
            .map((container) => `${d.name}: image ${JSON.stringify(container.image)} is not pinned by digest`),
    );
}

/**
 * Runs the whole program (index.ts) under mocks on one case: a rejection must register nothing,
 * an acceptance must register a digest-pinned Deployment per app.
 */
export async function programVerdict(c: Generated): Promise<Verdict> {
    const mocks = new RecordingMocks(mocksFor(c));
    const capture = captureWarnings();
    // Errors raised inside an apply reach the engine as unhandled rejections; catch them the same way.
    let late: unknown;
    const onUnhandled = (reason: unknown) => (late ??= reason);
    process.on("unhandledRejection", onUnhandled);
    try {
        const done = await run(mocks, c.config, c.secretKeys);
        await new Promise((resolve) => setImmediate(resolve));
        if (late !== undefined) return judgeRejection(late, c.expected);
        if (c.expected.kind === "reject")
            return {
                outcome: "accepted",
                counterexample: `${c.expected.mutation}: the program accepted an invalid config (expected an error naming ${c.expected.keys.join(", ")})`,
            };
        const problems = deploymentProblems(c, done.resources);
        if (c.expected.kind === "accept")
            problems.push(...[judgeWarnings(capture.warnings, c.expected)].filter((p) => p !== undefined));
        return problems.length === 0
            ? { outcome: "accepted" }
            : { outcome: "accepted", counterexample: problems.join("; ") };
    } catch (error) {
        const verdict = judgeRejection(error, c.expected);
        if (verdict.counterexample === undefined && mocks.resources.length > 0) {
            return {
                outcome: "rejected",
                counterexample: `registered ${mocks.resources.map((r) => `${r.type} ${r.name}`).join(", ")} before failing with ${String(error)}`,
            };
        }
        return verdict;
    } finally {
        process.off("unhandledRejection", onUnhandled);
        capture.stop();
    }
}
