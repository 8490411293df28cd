import * as path from "path";
import { z } from "zod";

/**
 * The per-app keys of a real service (issue #25): secrets, references to what the cluster holds,
 * config files, command, probes, a migration before the roll, autoscaling and who may connect.
 * app.ts spreads `workloadKeys` into the app schema and runs `workloadRules` in its refinement.
 */

/** DNS-1123 subdomain: the name of a Secret or ConfigMap the cluster already holds. */
export const dnsSubdomain = z
    .string()
    .max(253, { message: "must have at most 253 characters" })
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, {
        message: "must be a DNS subdomain: lowercase a-z, 0-9, '-' and '.', starting and ending with a letter or digit",
    });

/** A stack config key holding a secret: `dbPassword` (in the stevedore namespace) or `<namespace>:<key>`. */
export const configKeyRef = z.string().regex(/^([A-Za-z0-9_.-]+:)?[A-Za-z0-9_.-]+$/, {
    message:
        "must name a stack config key set with --secret, such as api:dbPassword (or dbPassword for stevedore:dbPassword)",
});

const command = z.array(z.string().min(1)).min(1);

/** A path a config file is mounted at: absolute, normalized, not a directory. */
const filePath = z
    .string()
    .refine((p) => path.posix.isAbsolute(p) && path.posix.normalize(p) === p && !p.endsWith("/"), {
        message: "must be an absolute, normalized file path such as /etc/app/config.json",
    });

/** Total size of an app's files: a ConfigMap holds at most 1 MiB, and these are meant to be small. */
export const FILES_MAX_BYTES = 256 * 1024;

const envFromEntry = z.union(
    [
        z.strictObject({ secret: dnsSubdomain, optional: z.boolean().default(false) }),
        z.strictObject({ configMap: dnsSubdomain, optional: z.boolean().default(false) }),
    ],
    { message: "must be {secret: <name>} or {configMap: <name>} (with optional: true if it may be missing)" },
);

const probeTiming = {
    initialDelaySeconds: z.number().int().min(0).max(600).optional(),
    periodSeconds: z.number().int().min(1).max(300).optional(),
    failureThreshold: z.number().int().min(1).max(30).optional(),
};

/** How the kubelet checks the app: readiness and liveness use the same check. */
export const probeSchema = z.discriminatedUnion(
    "type",
    [
        z.strictObject({ type: z.literal("http"), path: z.string().startsWith("/").optional(), ...probeTiming }),
        z.strictObject({ type: z.literal("tcp"), ...probeTiming }),
        z.strictObject({ type: z.literal("grpc"), service: z.string().min(1).optional(), ...probeTiming }),
        z.strictObject({ type: z.literal("exec"), command, ...probeTiming }),
        z.strictObject({ type: z.literal("none") }),
    ],
    { message: 'must be one of "http", "tcp", "grpc", "exec", "none" (a probe is a map such as {type: tcp})' },
);
export type ProbeSettings = z.output<typeof probeSchema>;

const migrate = z.strictObject({
    command,
    args: z.array(z.string()).optional(),
    /** The Job's activeDeadlineSeconds, and how long `up` waits for it. */
    timeoutSeconds: z.number().int().min(10).max(3600).default(600),
    /** Retries after a failed attempt; 0 by default, since a half-applied migration rarely wants a blind rerun. */
    retries: z.number().int().min(0).max(5).default(0),
});

const autoscale = z.strictObject({
    min: z.number().int().min(1).max(100),
    max: z.number().int().min(1).max(100),
    cpuPercent: z.number().int().min(10).max(100).default(70),
});

/** One source allowed to reach the app: an app of the stack, a namespace, or anyone (`"*"`). */
const allowFromEntry = z.union(
    [
        z.literal("*"),
        z.string().regex(/^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/),
        z.strictObject({ namespace: dnsSubdomain }),
    ],
    { message: 'must be an app name of this stack, {namespace: <name>} or "*" (anyone)' },
);

/** Keys spread into the app schema. */
export const workloadKeys = {
    /** Env var -> stack config key set with --secret; reaches the pod through a Secret and secretKeyRef. */
    secretEnv: z
        .record(
            z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: "must be a valid environment variable name" }),
            configKeyRef,
        )
        .default({}),
    envFrom: z.array(envFromEntry).default([]),
    files: z.record(filePath, z.string()).default({}),
    command: command.optional(),
    args: z.array(z.string()).optional(),
    probe: probeSchema.optional(),
    migrate: migrate.optional(),
    autoscale: autoscale.optional(),
    allowFrom: z.array(allowFromEntry).optional(),
};

/** The fields of an app these rules read, as parsed. */
export interface WorkloadFacts {
    port: number | "none";
    replicas?: number;
    healthPath?: string;
    env: Record<string, string>;
    secretEnv: Record<string, string>;
    files: Record<string, string>;
    probe?: ProbeSettings;
    autoscale?: { min: number; max: number };
    expose: string;
}

type Issue = { path: (string | number)[]; message: string };

/** Contradictions between an app's keys; each names both keys. */
export function workloadRules(app: WorkloadFacts): Issue[] {
    const issues: Issue[] = [];
    const noPort = app.port === "none";
    const probeType = app.probe?.type ?? (noPort ? "none" : "http");
    if (noPort && ["http", "tcp", "grpc"].includes(probeType))
        issues.push({
            path: ["probe"],
            message: `a ${probeType} probe needs a port, but port is "none": use an exec probe or {type: none}`,
        });
    if (app.healthPath !== undefined && probeType !== "http")
        issues.push({
            path: ["healthPath"],
            message: `is only for HTTP probes, but the probe is ${probeType}: use probe {type: http, path} or drop healthPath`,
        });
    if (app.healthPath !== undefined && app.probe?.type === "http" && app.probe.path !== undefined)
        issues.push({ path: ["healthPath"], message: "and probe.path both give the HTTP probe's path: keep one" });
    if (noPort && app.expose !== "none")
        issues.push({
            path: ["expose"],
            message: `must be "none" when port is "none" (a worker has no Service to expose)`,
        });
    if (app.autoscale !== undefined && app.replicas !== undefined)
        issues.push({
            path: ["replicas"],
            message: "cannot be set with autoscale: the autoscaler owns the replica count (use autoscale.min)",
        });
    if (app.autoscale !== undefined && app.autoscale.min > app.autoscale.max)
        issues.push({ path: ["autoscale", "min"], message: `must be <= autoscale.max (${String(app.autoscale.max)})` });
    for (const name of Object.keys(app.secretEnv)) {
        if (name in app.env)
            issues.push({ path: ["secretEnv", name], message: `is also set in env: give ${name} in one of them` });
        if (name === "PORT") issues.push({ path: ["secretEnv", name], message: "is set by stevedore from port" });
    }
    const bytes = Object.values(app.files).reduce((sum, text) => sum + Buffer.byteLength(text), 0);
    if (bytes > FILES_MAX_BYTES)
        issues.push({
            path: ["files"],
            message: `hold ${String(bytes)} bytes; at most ${String(FILES_MAX_BYTES)} in all (larger data belongs in the image or a volume)`,
        });
    return issues;
}
