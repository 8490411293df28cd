import { z } from "zod";
import { appPlatforms, buildCache, buildSecrets, builderName, sshForwards } from "./build";
import { pinnedImage } from "./pin";
import { workloadKeys, workloadRules } from "./workload";

/** DNS-1123 label, short enough to leave room for the suffixes Kubernetes adds to pod names. */
export const dnsLabel = z.string().regex(/^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/, {
    message: "must be a DNS label: lowercase a-z, 0-9 and '-', starting with a letter, at most 40 characters",
});

/** Kubernetes resource quantities such as `100m`, `0.5`, `128Mi`, `1G`. */
const quantity = z.string().regex(/^[0-9]+(\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/, {
    message: "must be a Kubernetes quantity such as 100m, 0.5, 128Mi or 1Gi",
});

const cpuMemory = (cpu: string, memory: string) =>
    z.strictObject({ cpu: quantity.default(cpu), memory: quantity.default(memory) }).prefault({});

const resources = z
    .strictObject({ requests: cpuMemory("50m", "64Mi"), limits: cpuMemory("500m", "256Mi") })
    .prefault({});

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: "must be a valid environment variable name" });

const ingress = z.strictObject({
    host: z.string().regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$/, {
        message: "must be a DNS host name such as app.example.com",
    }),
    path: z.string().startsWith("/", { message: "must start with '/'" }).default("/"),
    className: z.string().min(1).optional(),
    tlsSecret: dnsLabel.optional(),
});

/** One entry of `stevedore:apps`. Strict: an unknown key (a typo such as `replcas`) is an error. */
export const appSchema = z
    .strictObject({
        name: dnsLabel,
        context: z.string().min(1).optional(),
        dockerfile: z.string().min(1).default("Dockerfile"),
        buildTarget: z.string().min(1).optional(),
        buildArgs: z.record(z.string(), z.string()).default({}),
        platform: appPlatforms.optional(),
        cacheFrom: z.array(z.string().min(1)).default([]),
        // BuildKit only (a buildx builder): see components/config/build.ts.
        builder: builderName.optional(),
        buildSecrets,
        ssh: sshForwards,
        buildCache: buildCache.optional(),
        refreshBaseImages: z.boolean().optional(),
        // "none": a worker (queue consumer, loop) with no Service and no network probe.
        port: z.union([z.number().int().min(1).max(65535), z.literal("none")]).default(8080),
        // Left unset so a contradiction with autoscale can be told apart from the default (2, below).
        replicas: z.number().int().min(1).max(100).optional(),
        env: z.record(envName, z.string()).default({}),
        healthPath: z.string().startsWith("/", { message: "must start with '/'" }).optional(),
        /** How long `pulumi up` waits for a rollout before failing it (the provider's own default is 10 minutes). */
        rolloutTimeoutSeconds: z.number().int().min(30).max(3600).default(600),
        /** Seconds a terminating pod keeps serving, so Services stop routing to it before it stops listening. */
        drainSeconds: z.number().int().min(0).max(120).default(5),
        resources,
        runAsUser: z.number().int().min(1).max(2147483647).default(10001),
        expose: z.enum(["none", "loadBalancer", "ingress"]).default("none"),
        ingress: ingress.optional(),
        // A digest to deploy instead of building: a pin, or a rollback (scripts/rollback.ts).
        image: pinnedImage.optional(),
        ...workloadKeys,
    })
    .superRefine((app, ctx) => {
        if (app.expose === "ingress" && app.ingress === undefined) {
            ctx.addIssue({
                code: "custom",
                path: ["ingress"],
                message: 'is required when expose is "ingress" (give at least a host)',
            });
        }
        if (app.expose !== "ingress" && app.ingress !== undefined) {
            ctx.addIssue({
                code: "custom",
                path: ["expose"],
                message: 'must be "ingress" when an ingress block is given',
            });
        }
        for (const issue of workloadRules(app)) ctx.addIssue({ code: "custom", ...issue });
    })
    .transform((app) => ({
        ...app,
        replicas: app.replicas ?? app.autoscale?.min ?? 2,
        healthPath: app.healthPath ?? "/healthz",
    }));

export type AppSettings = z.output<typeof appSchema>;

export const appsSchema = z
    .array(appSchema)
    .min(1)
    .superRefine((apps, ctx) => {
        const seen = new Set<string>();
        apps.forEach((app, i) => {
            if (seen.has(app.name))
                ctx.addIssue({
                    code: "custom",
                    path: [i, "name"],
                    message: "is used by another app; app names must be unique",
                });
            seen.add(app.name);
        });
    });
