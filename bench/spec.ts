/** What the parent asks one child process to measure, and what the child reports back. */

export const TARGETS = ["local", "aks", "eks", "gke"] as const;
export type Target = (typeof TARGETS)[number];

export const PROGRAMS = ["stevedore", "baseline"] as const;
export type ProgramKind = (typeof PROGRAMS)[number];

export interface ChildSpec {
    program: ProgramKind;
    target: Target;
    /** Number of apps: the first `n` directories of the fixture. */
    n: number;
    /** Directory that holds the generated app directories (`app-001`, …). */
    appsDir: string;
}

/** One child run's numbers; times in milliseconds. */
export interface Measurement {
    /** Before the first SDK import until after `disconnect()`: what a user waits for. */
    wallMs: number;
    /** The SDK preload, identical for both programs (pulumi, docker, kubernetes, the target's cloud SDK). */
    sdkMs: number;
    /** Importing the program module, running it and waiting for every registration. */
    programMs: number;
    /** `process.resourceUsage().maxRSS`, in MB. */
    peakRssMb: number;
    /** Registrations by kind, so the parent can check both programs built the same apps. */
    resources: number;
    images: number;
    deployments: number;
    services: number;
}

/** Prefix of the one stdout line that carries a Measurement (the SDK may print other lines). */
export const RESULT_PREFIX = "BENCH_RESULT ";

/** Name of the i-th generated app (1-based): a DNS label, sorted the same as numerically. */
export const appName = (i: number): string => `app-${String(i).padStart(3, "0")}`;

export function parseSpec(text: string | undefined): ChildSpec {
    const raw = JSON.parse(text ?? "") as Partial<ChildSpec>;
    const { program, target, n, appsDir } = raw;
    if (
        !PROGRAMS.some((p) => p === program) ||
        !TARGETS.some((t) => t === target) ||
        typeof n !== "number" ||
        typeof appsDir !== "string"
    ) {
        throw new Error(`bad child spec: ${text ?? "(none)"}`);
    }
    return { program: program as ProgramKind, target: target as Target, n, appsDir };
}
