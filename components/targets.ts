import { z } from "zod";
import { BoundTarget, ClusterFactory, SettingsContext, RegistryFactory, TargetModule } from "./contracts";
import { genericRegistrySchema, kubeconfigClusterSchema } from "./generic/settings";
import { gcpSettingsSchema } from "./gcp/settings";
import { awsTargetSchema } from "./aws/settings";
import { azureSettingsSchema } from "./azure/settings";
import { localSettingsSchema } from "./local/settings";

export type SettingsCheck =
    { ok: true; bind: () => Promise<BoundTarget> } | { ok: false; issues: z.core.$ZodIssue[]; schema: z.ZodType };

/** A row of the target table; `check` validates the target's own settings block against the rest of the config. */
export interface TargetEntry {
    /** Stack config key (under `stevedore:`) that holds this target's settings. */
    settingsKey: string;
    check(raw: unknown, context: SettingsContext): SettingsCheck;
}

/** A settings schema, or one made for the facts of the other keys when its rules depend on them. */
type SchemaFor<S> = z.ZodType<S> | ((context: SettingsContext) => z.ZodType<S>);

/** Pairs a settings schema with the module that consumes it, so the settings type never leaks out as `unknown`. */
function defineTarget<S, T>(
    settingsKey: string,
    schemaFor: SchemaFor<S>,
    load: () => Promise<TargetModule<S, T>>,
): TargetEntry {
    return {
        settingsKey,
        check(raw, context) {
            const schema = typeof schemaFor === "function" ? schemaFor(context) : schemaFor;
            const parsed = schema.safeParse(raw);
            if (!parsed.success) return { ok: false, issues: parsed.error.issues, schema };
            const settings = parsed.data;
            return {
                ok: true,
                bind: async () => {
                    const module = await load();
                    return {
                        setup: (setupName, setupOpts) => {
                            const target = module.setup(setupName, settings, setupOpts);
                            return {
                                createRegistry: (name, args, opts) => module.createRegistry(name, args, target, opts),
                                createCluster: (name, args, opts) => module.createCluster(name, args, target, opts),
                            };
                        },
                    };
                },
            };
        },
    };
}

/**
 * The one place that maps `stevedore:target` to implementations. Modules load lazily so a stack
 * only loads its own cloud's SDK. Adding a target: a folder under components/ and a row here.
 */
export const targets = {
    local: defineTarget("local", localSettingsSchema, () => import("./local")),
    eks: defineTarget("aws", awsTargetSchema, () => import("./aws")),
    gke: defineTarget("gcp", gcpSettingsSchema, () => import("./gcp")),
    aks: defineTarget("azure", azureSettingsSchema, () => import("./azure")),
} satisfies Record<string, TargetEntry>;

export type TargetName = keyof typeof targets;
export const targetNames = Object.keys(targets) as [TargetName, ...TargetName[]];

/** A row of a kind table: validates an override block and, once valid, binds its factory. */
export interface KindEntry<F> {
    check(
        raw: unknown,
        context: SettingsContext,
    ): { ok: true; bind: () => Promise<F> } | { ok: false; issues: z.core.$ZodIssue[]; schema: z.ZodType };
}

function defineKind<S, F>(
    schema: (context: SettingsContext) => z.ZodType<S>,
    load: () => Promise<(settings: S) => F>,
): KindEntry<F> {
    return {
        check(raw, context) {
            const checked = schema(context);
            const parsed = checked.safeParse(raw);
            if (!parsed.success) return { ok: false, issues: parsed.error.issues, schema: checked };
            const settings = parsed.data;
            return { ok: true, bind: async () => (await load())(settings) };
        },
    };
}

/**
 * Kinds of the optional `stevedore:registry` / `stevedore:cluster` keys, which replace the target's
 * registry or cluster so any registry combines with any cluster. Lazily loaded, like targets.
 */
export const registryKinds = {
    generic: defineKind(genericRegistrySchema, async () => (await import("./generic")).registryFactory),
} satisfies Record<string, KindEntry<RegistryFactory>>;

export const clusterKinds = {
    kubeconfig: defineKind(kubeconfigClusterSchema, async () => (await import("./generic")).clusterFactory),
} satisfies Record<string, KindEntry<ClusterFactory>>;
