import { z } from "zod";
import { clusterName, kubernetesVersion, location, registryName, resourceGroupName, vmSize } from "./names";

/** Defaults of the `create` modes, applied after validation so that setting them in `existing` mode is an error. */
export const DEFAULTS = { sku: "Basic", vmSize: "Standard_D2s_v5", minCount: 1, maxCount: 3 } as const;

/** ACR service tiers; all of them work with the AAD push route and AcrPull grants stevedore uses. */
const SKUS = ["Basic", "Standard", "Premium"] as const;
export type Sku = (typeof SKUS)[number];

const registry = z.strictObject({
    /** `create`: stevedore owns an ACR; `existing`: push to one found by name and resource group. */
    mode: z.enum(["create", "existing"]).default("create"),
    /** ACR name; the default (create mode) is derived from project, stack and subscription. */
    name: registryName.optional(),
    /** Resource group of an existing registry; default: `resourceGroup.name`. */
    resourceGroup: resourceGroupName.optional(),
    sku: z.enum(SKUS).optional(),
    /** Give the identity running `pulumi up` AcrPush on this registry (turn off if it already holds push rights). */
    grantPushToDeployer: z.boolean().default(true),
    /**
     * Whether a created registry accepts ARM-audience Entra tokens (`authentication-as-arm`). `false`
     * satisfies Azure Policy 42781ec6 (Landing Zone guardrails); unset, the registry keeps Azure's default.
     */
    armAudienceTokens: z.boolean().optional(),
});

const nodePool = z
    .strictObject({
        vmSize: vmSize.default(DEFAULTS.vmSize),
        /** Autoscaler bounds of the system pool; a system pool needs at least one node. */
        minCount: z.number().int().min(1).max(1000).default(DEFAULTS.minCount),
        maxCount: z.number().int().min(1).max(1000).default(DEFAULTS.maxCount),
    })
    .superRefine((p, ctx) => {
        if (p.minCount > p.maxCount)
            ctx.addIssue({ code: "custom", path: ["minCount"], message: `must be <= maxCount (${p.maxCount})` });
    });

const cluster = z.strictObject({
    /** `existing`: attach to an AKS cluster by name; `create`: stevedore creates one. */
    mode: z.enum(["existing", "create"]).default("existing"),
    name: clusterName.optional(),
    /** Resource group of an existing cluster; default: `resourceGroup.name`. */
    resourceGroup: resourceGroupName.optional(),
    /** Unset: the version AKS currently defaults to (recent and supported); set it to pin one. */
    kubernetesVersion: kubernetesVersion.optional(),
    nodePool: nodePool.optional(),
    /**
     * Create the AcrPull assignment for the kubelet identity (existing clusters only). Turn it off
     * when the cluster already holds it (`az aks update --attach-acr`, another stack): ARM refuses a
     * second identical assignment (409 RoleAssignmentExists), and destroying one would remove the grant
     * everyone shares.
     */
    grantAcrPull: z.boolean().optional(),
});

const resourceGroup = z.strictObject({
    name: resourceGroupName,
    /** `true`: stevedore creates (and on destroy deletes) the group; `false`: it must already exist. */
    create: z.boolean().default(false),
});

/** A resource group as a component sees it; `createIn` is set when stevedore creates it, in that location. */
export interface GroupRef {
    name: string;
    createIn?: string;
}

export type NodePool = z.output<typeof nodePool>;

export type RegistrySettings =
    | {
          mode: "create";
          name?: string;
          sku: Sku;
          resourceGroup: GroupRef;
          location: string;
          grantPushToDeployer: boolean;
          armAudienceTokens?: boolean;
      }
    | { mode: "existing"; name: string; resourceGroup: GroupRef; grantPushToDeployer: boolean };

export type ClusterSettings =
    | { mode: "existing"; name: string; resourceGroup: GroupRef; grantAcrPull: boolean }
    | {
          mode: "create";
          name?: string;
          resourceGroup: GroupRef;
          location: string;
          kubernetesVersion?: string;
          nodePool: NodePool;
      };

export interface AzureSettings {
    registry: RegistrySettings;
    cluster: ClusterSettings;
}

type Raw = {
    location?: string;
    resourceGroup?: z.output<typeof resourceGroup>;
    registry: z.output<typeof registry>;
    cluster: z.output<typeof cluster>;
};
type Ctx = z.core.$RefinementCtx<Raw>;

const onlyWhen = (mode: string, why: string) => `applies only when mode is "${mode}"; ${why}`;

/** Cross-field rules, then the resolved settings: each component gets its resource group and location. */
function resolve(s: Raw, ctx: Ctx): AzureSettings {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
    const { registry: r, cluster: c } = s;

    if (r.mode === "existing") {
        if (r.name === undefined)
            issue(["registry", "name"], 'is required when mode is "existing" (the ACR name, e.g. contosoacr)');
        if (r.sku !== undefined)
            issue(["registry", "sku"], onlyWhen("create", "stevedore does not change an existing registry's SKU"));
        if (r.armAudienceTokens !== undefined)
            issue(
                ["registry", "armAudienceTokens"],
                onlyWhen(
                    "create",
                    "stevedore does not change an existing registry (az acr config authentication-as-arm does)",
                ),
            );
    } else if (r.resourceGroup !== undefined) {
        issue(["registry", "resourceGroup"], onlyWhen("existing", "a created registry goes to resourceGroup.name"));
    }
    if (c.mode === "existing") {
        if (c.name === undefined)
            issue(["cluster", "name"], 'is required when mode is "existing" (the AKS cluster\'s name)');
        for (const key of ["kubernetesVersion", "nodePool"] as const) {
            if (c[key] !== undefined)
                issue(["cluster", key], onlyWhen("create", "stevedore does not change an existing cluster"));
        }
    } else {
        if (c.resourceGroup !== undefined)
            issue(["cluster", "resourceGroup"], onlyWhen("existing", "a created cluster goes to resourceGroup.name"));
        if (c.grantAcrPull !== undefined)
            issue(
                ["cluster", "grantAcrPull"],
                onlyWhen(
                    "existing",
                    "a created cluster's new kubelet identity has no other grant, so stevedore always makes it",
                ),
            );
    }

    const needsGroup = [
        r.mode === "create"
            ? 'registry.mode is "create"'
            : r.resourceGroup === undefined
              ? "registry.resourceGroup is not set"
              : undefined,
        c.mode === "create"
            ? 'cluster.mode is "create"'
            : c.resourceGroup === undefined
              ? "cluster.resourceGroup is not set"
              : undefined,
    ].filter((reason) => reason !== undefined);
    if (s.resourceGroup === undefined && needsGroup.length > 0) {
        issue(["resourceGroup"], `is required (a map with at least a name) because ${needsGroup.join(" and ")}`);
    }
    if (s.resourceGroup?.create === true && needsGroup.length === 0) {
        issue(
            ["resourceGroup", "create"],
            "must be false: nothing goes into this group, since registry and cluster both exist in resource groups of their own",
        );
    }
    const creates = [
        s.resourceGroup?.create === true ? "resourceGroup.create is true" : undefined,
        r.mode === "create" ? 'registry.mode is "create"' : undefined,
        c.mode === "create" ? 'cluster.mode is "create"' : undefined,
    ].filter((reason) => reason !== undefined);
    if (s.location === undefined && creates.length > 0) {
        issue(["location"], `is required because ${creates.join(" and ")}; give an Azure region such as westeurope`);
    }
    const shared: GroupRef | undefined =
        s.resourceGroup === undefined
            ? undefined
            : { name: s.resourceGroup.name, createIn: s.resourceGroup.create ? s.location : undefined };
    const registrySettings = resolveRegistry(r, shared, s.location);
    const clusterSettings = resolveCluster(c, shared, s.location);
    if (ctx.issues.length > 0 || registrySettings === undefined || clusterSettings === undefined) return z.NEVER;
    return { registry: registrySettings, cluster: clusterSettings };
}

/** The registry's settings with its group and location, or undefined when a rule above failed. */
function resolveRegistry(
    r: Raw["registry"],
    shared: GroupRef | undefined,
    loc: string | undefined,
): RegistrySettings | undefined {
    const { grantPushToDeployer } = r;
    if (r.mode === "create") {
        return shared === undefined || loc === undefined
            ? undefined
            : {
                  mode: "create",
                  name: r.name,
                  sku: r.sku ?? DEFAULTS.sku,
                  resourceGroup: shared,
                  location: loc,
                  grantPushToDeployer,
                  armAudienceTokens: r.armAudienceTokens,
              };
    }
    const group = r.resourceGroup === undefined ? shared : { name: r.resourceGroup };
    return r.name === undefined || group === undefined
        ? undefined
        : { mode: "existing", name: r.name, resourceGroup: group, grantPushToDeployer };
}

/** The cluster's settings with its group, location and node pool defaults, or undefined when a rule above failed. */
function resolveCluster(
    c: Raw["cluster"],
    shared: GroupRef | undefined,
    loc: string | undefined,
): ClusterSettings | undefined {
    if (c.mode === "create") {
        if (shared === undefined || loc === undefined) return undefined;
        const nodePool = c.nodePool ?? {
            vmSize: DEFAULTS.vmSize,
            minCount: DEFAULTS.minCount,
            maxCount: DEFAULTS.maxCount,
        };
        return {
            mode: "create",
            name: c.name,
            resourceGroup: shared,
            location: loc,
            kubernetesVersion: c.kubernetesVersion,
            nodePool,
        };
    }
    const group = c.resourceGroup === undefined ? shared : { name: c.resourceGroup };
    return c.name === undefined || group === undefined
        ? undefined
        : { mode: "existing", name: c.name, resourceGroup: group, grantAcrPull: c.grantAcrPull ?? true };
}

/**
 * Settings of `stevedore:target: aks`, read from the `stevedore:azure` key. Every rule is checked
 * here, so a bad value stops `pulumi up` before anything is created.
 */
export const azureSettingsSchema = z
    .strictObject({
        /** Region of everything stevedore creates, e.g. `westeurope`. */
        location: location.optional(),
        /** The stack's resource group: where created resources go, and where existing ones are looked up by default. */
        resourceGroup: resourceGroup.optional(),
        registry: registry.prefault({}),
        cluster: cluster.prefault({}),
    })
    .transform(resolve)
    .prefault({});
