import { z } from "zod";
import {
    clusterName,
    location,
    machineType,
    networkRef,
    nodeServiceAccountId,
    projectId,
    registryLocation,
    repositoryId,
    serviceAccountEmail,
    serviceAccountId,
} from "./names";

/** Defaults of the `create` modes, applied after validation so that setting them in `existing` mode is an error. */
export const DEFAULTS = {
    repository: "stevedore",
    untaggedMaxAgeDays: 14,
    cluster: "stevedore",
    releaseChannel: "REGULAR",
    machineType: "e2-standard-2",
    minCount: 1,
    maxCount: 3,
} as const;

const onlyWhen = (mode: string) => `applies only when mode is "${mode}"`;

const registry = z
    .strictObject({
        /** `create`: stevedore owns a Docker repository; `existing`: push to one that already exists. */
        mode: z.enum(["create", "existing"]).default("create"),
        name: repositoryId.optional(),
        /** Region or multi-region of the repository; the default is the region of `stevedore:gcp.location`. */
        location: registryLocation.optional(),
        /** Untagged images (layers left behind by re-pushed tags) older than this are deleted. */
        untaggedMaxAgeDays: z.number().int().min(1).max(3650).optional(),
        /** Keep at least this many most recent versions of each image, whatever the other policies say. */
        keepRecent: z.number().int().min(1).max(10000).optional(),
    })
    .superRefine((r, ctx) => {
        if (r.mode === "existing" && r.name === undefined) {
            ctx.addIssue({
                code: "custom",
                path: ["name"],
                message: 'is required when mode is "existing" (the repository id, e.g. containers)',
            });
        }
        for (const key of ["untaggedMaxAgeDays", "keepRecent"] as const) {
            if (r.mode === "existing" && r[key] !== undefined) {
                ctx.addIssue({
                    code: "custom",
                    path: [key],
                    message: `${onlyWhen("create")}; stevedore does not change an existing repository's cleanup policies`,
                });
            }
        }
    })
    .transform((r) =>
        r.mode === "existing"
            ? { mode: r.mode, name: r.name ?? DEFAULTS.repository, location: r.location }
            : {
                  mode: r.mode,
                  name: r.name ?? DEFAULTS.repository,
                  location: r.location,
                  untaggedMaxAgeDays: r.untaggedMaxAgeDays ?? DEFAULTS.untaggedMaxAgeDays,
                  keepRecent: r.keepRecent,
              },
    );

const nodePool = z
    .strictObject({
        machineType: machineType.default(DEFAULTS.machineType),
        /** Autoscaling bounds, per zone of the cluster (a regional cluster usually spans 3 zones). */
        minCount: z.number().int().min(0).max(1000).default(DEFAULTS.minCount),
        maxCount: z.number().int().min(1).max(1000).default(DEFAULTS.maxCount),
    })
    .superRefine((p, ctx) => {
        if (p.minCount > p.maxCount)
            ctx.addIssue({ code: "custom", path: ["minCount"], message: `must be <= maxCount (${p.maxCount})` });
    });

const createOnly = [
    "releaseChannel",
    "nodePool",
    "workloadIdentity",
    "deletionProtection",
    "nodeServiceAccountId",
    "network",
    "subnetwork",
] as const;

const cluster = z
    .strictObject({
        /** `existing`: attach to a GKE cluster by name; `create`: stevedore creates one (with its own node pool and service account). */
        mode: z.enum(["existing", "create"]).default("existing"),
        name: clusterName.optional(),
        releaseChannel: z.enum(["RAPID", "REGULAR", "STABLE", "EXTENDED"]).optional(),
        nodePool: nodePool.optional(),
        /** Enables Workload Identity (`<project>.svc.id.goog`) so pods can act as service accounts without keys. */
        workloadIdentity: z.boolean().optional(),
        /** GKE refuses to delete a protected cluster; turn off before `pulumi destroy`. */
        deletionProtection: z.boolean().optional(),
        /** Node service account of an existing cluster, when its nodes do not all use the one the cluster reports. */
        nodeServiceAccount: serviceAccountEmail.optional(),
        /** Id of the created cluster's node account; ids are per project, so a second region needs its own. */
        nodeServiceAccountId: serviceAccountId.optional(),
        /** VPC network and subnetwork of a created cluster; unset, GKE uses the project's `default` network. */
        network: networkRef.optional(),
        subnetwork: networkRef.optional(),
    })
    .superRefine((c, ctx) => {
        if (c.mode === "existing") {
            if (c.name === undefined)
                ctx.addIssue({
                    code: "custom",
                    path: ["name"],
                    message: 'is required when mode is "existing" (the GKE cluster\'s name)',
                });
            for (const key of createOnly) {
                if (c[key] !== undefined)
                    ctx.addIssue({
                        code: "custom",
                        path: [key],
                        message: `${onlyWhen("create")}; stevedore does not change an existing cluster`,
                    });
            }
        } else if (c.nodeServiceAccount !== undefined) {
            ctx.addIssue({
                code: "custom",
                path: ["nodeServiceAccount"],
                message: `${onlyWhen("existing")}; a created cluster's nodes get a service account of their own`,
            });
        }
    })
    .transform((c) =>
        c.mode === "existing"
            ? { mode: c.mode, name: c.name ?? DEFAULTS.cluster, nodeServiceAccount: c.nodeServiceAccount }
            : {
                  mode: c.mode,
                  name: c.name ?? DEFAULTS.cluster,
                  releaseChannel: c.releaseChannel ?? DEFAULTS.releaseChannel,
                  nodePool: c.nodePool ?? {
                      machineType: DEFAULTS.machineType,
                      minCount: DEFAULTS.minCount,
                      maxCount: DEFAULTS.maxCount,
                  },
                  workloadIdentity: c.workloadIdentity ?? true,
                  deletionProtection: c.deletionProtection ?? true,
                  nodeServiceAccountId: c.nodeServiceAccountId ?? nodeServiceAccountId(c.name ?? DEFAULTS.cluster),
                  network: c.network,
                  subnetwork: c.subnetwork,
              },
    );

/** Settings of `stevedore:target: gke`, read from the `stevedore:gcp` key. `project` and `location` are required. */
export const gcpSettingsSchema = z.strictObject({
    project: projectId,
    /** Region (regional cluster) or zone (zonal cluster); the registry goes to its region unless `registry.location` says otherwise. */
    location,
    registry: registry.prefault({}),
    cluster: cluster.prefault({}),
});

export type GcpSettings = z.output<typeof gcpSettingsSchema>;
export type RegistrySettings = GcpSettings["registry"];
export type ClusterSettings = GcpSettings["cluster"];
export type CreateClusterSettings = Extract<ClusterSettings, { mode: "create" }>;
