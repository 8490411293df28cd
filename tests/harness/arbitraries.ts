import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import fc from "fast-check";
import { TestConfig } from "./program";

/**
 * Generators of stack configs that are valid by construction, for every target and every
 * override combination. What makes them valid is written here from the documented rules (README,
 * docs/targets), not read from components/config, so the properties do not grade the loader by
 * its own answers.
 */

/**
 * A target, alone or with one or both halves replaced by `stevedore:registry` / `stevedore:cluster`.
 * A cloud registry with a kubeconfig cluster is no variant: it is invalid (no IAM grant to give), a mutation.
 */
export const VARIANTS = [
    "local",
    "aks",
    "eks",
    "gke",
    "local+generic",
    "local+kubeconfig",
    "eks+generic",
    "gke+generic",
    "aks+generic+kubeconfig",
    "generic+kubeconfig",
] as const;
export type Variant = (typeof VARIANTS)[number];

/** One stack config and the keys the engine holds as secrets (`pulumi config set --secret`). */
export interface StackCase {
    variant: Variant;
    config: TestConfig;
    secretKeys: string[];
}

export const targetOf = (v: Variant): string | undefined => (v === "generic+kubeconfig" ? undefined : v.split("+")[0]);
export const usesGenericRegistry = (v: Variant): boolean => v.includes("generic");
export const usesKubeconfigCluster = (v: Variant): boolean => v.includes("kubeconfig");

/** Prefixes of every generated credential, so a leak check can search the serialized state for them. */
export const SENTINEL = { push: "leak-push-", pull: "leak-pull-", kube: "leak-kube-", app: "leak-app-" } as const;

const hex = (length: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${length}}$`));
/** Lowercase words that are app names for every registry (DNS label, ECR and Artifact Registry names). */
const word = fc.stringMatching(/^[a-z][a-z0-9]{1,6}$/);
export const appName = fc
    .tuple(word, fc.array(fc.stringMatching(/^[a-z0-9]{1,5}$/), { maxLength: 2 }))
    .map(([head, rest]) => [head, ...rest].join("-"));
const envName = fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,10}$/);

/** An inline kubeconfig whose user token is a sentinel. */
export function inlineKubeconfig(token: string): string {
    return [
        "apiVersion: v1",
        "kind: Config",
        "clusters:\n- name: lab\n  cluster:\n    server: https://lab.example.com:6443",
        "contexts:\n- name: lab\n  context: {cluster: lab, user: ci}",
        "current-context: lab",
        `users:\n- name: ci\n  user:\n    token: ${token}`,
        "",
    ].join("\n");
}

/** A kubeconfig file that exists, for `stevedore:cluster.path`. */
export const KUBECONFIG_FILE = path.join(os.tmpdir(), "stevedore-properties.kubeconfig");
fs.writeFileSync(KUBECONFIG_FILE, inlineKubeconfig("file-token-not-a-secret-of-the-stack"));

/** A worker's keys, or a service's non-HTTP probe: each drops the keys it contradicts (healthPath, expose). */
const role = fc.oneof(
    { weight: 3, arbitrary: fc.constant({}) },
    {
        weight: 1,
        arbitrary: fc
            .option(fc.constant({ type: "exec", command: ["node", "check.js"] }), { nil: undefined })
            .map((probe) => ({ worker: true, port: "none", command: ["node", "worker.js"], probe })),
    },
    {
        weight: 1,
        arbitrary: fc
            .constantFrom(
                { type: "tcp" },
                { type: "grpc", service: "health" },
                { type: "none" },
                { type: "exec", command: ["true"] },
            )
            .map((probe) => ({ probe })),
    },
);

/** The keys of a real service (#25); `secret` adds a secretEnv whose config key validCase sets with --secret. */
const serviceKeys = (forceSecret: boolean) =>
    fc.record({
        role,
        autoscale: fc.option(
            fc
                .tuple(
                    fc.integer({ min: 1, max: 10 }),
                    fc.integer({ min: 0, max: 20 }),
                    fc.integer({ min: 10, max: 100 }),
                )
                .map(([min, extra, cpuPercent]) => ({ min, max: min + extra, cpuPercent })),
            { nil: undefined },
        ),
        secret: forceSecret ? fc.constant(true) : fc.boolean(),
        files: fc.option(
            fc.dictionary(
                fc
                    .tuple(
                        fc.constantFrom("app", "api", "svc/conf"),
                        fc.constantFrom("config.json", "app.yaml", "nginx.conf"),
                    )
                    .map(([dir, file]) => `/etc/${dir}/${file}`),
                fc.string({ maxLength: 40 }),
                { minKeys: 1, maxKeys: 2 },
            ),
            { nil: undefined },
        ),
        migrate: fc.option(
            fc
                .integer({ min: 10, max: 3600 })
                .map((timeoutSeconds) => ({ command: ["node", "migrate.js"], timeoutSeconds })),
            { nil: undefined },
        ),
        envFrom: fc.option(fc.constant([{ secret: "db-creds" }, { configMap: "flags", optional: true }]), {
            nil: undefined,
        }),
    });

/** The config key an app's generated secretEnv names: validCase sets it, secret, with a sentinel value. */
export const appSecretKey = (app: string) => `${app}:dbPassword`;

const app = (name: string, forceSecret: boolean) =>
    fc
        .record(
            {
                // Only the sample apps have build contexts; other names point at one of them.
                context: fc.constantFrom("apps/backend", "apps/frontend"),
                replicas: fc.integer({ min: 1, max: 100 }),
                port: fc.integer({ min: 1, max: 65535 }),
                env: fc.dictionary(envName, fc.string({ maxLength: 12 }), { maxKeys: 3 }),
                healthPath: fc.constantFrom("/healthz", "/ready", "/"),
                runAsUser: fc.integer({ min: 1, max: 2147483647 }),
                platform: fc.constantFrom("linux/amd64", "linux/arm64"),
                exposure: fc.oneof(
                    fc.constant({ expose: "none" }),
                    fc.constant({ expose: "loadBalancer" }),
                    word.map((host) => ({ expose: "ingress", ingress: { host: `${host}.example.com` } })),
                ),
                extra: serviceKeys(forceSecret),
            },
            { requiredKeys: ["context", "extra"] },
        )
        .map(({ exposure, extra, ...rest }) => {
            const entry: Record<string, unknown> = { name, ...rest, ...(exposure ?? {}) };
            const { worker, ...roleKeys } = extra.role as { worker?: boolean; probe?: unknown };
            Object.assign(entry, roleKeys);
            if (entry.probe === undefined) delete entry.probe;
            if (worker === true || entry.probe !== undefined) delete entry.healthPath;
            if (worker === true) {
                delete entry.ingress;
                entry.expose = "none";
            }
            if (extra.autoscale !== undefined) {
                delete entry.replicas;
                entry.autoscale = extra.autoscale;
            }
            if (extra.secret) {
                // env may hold the same name; secretEnv's must be its own.
                const env = (entry.env ?? {}) as Record<string, string>;
                delete env.DB_PASSWORD;
                entry.secretEnv = { DB_PASSWORD: appSecretKey(name) };
            }
            for (const key of ["files", "migrate", "envFrom"] as const)
                if (extra[key] !== undefined) entry[key] = extra[key];
            return entry;
        });

const appsOf = (forceSecret: boolean) =>
    fc
        .uniqueArray(appName, { minLength: 1, maxLength: 3 })
        .chain((names) => fc.tuple(...names.map((n) => app(n, forceSecret))));
const apps = appsOf(false);

const localSettings = fc.record(
    {
        context: fc.constantFrom("kind-stevedore", "minikube", "docker-desktop"),
        registry: fc.oneof(
            fc.record(
                { port: fc.integer({ min: 1024, max: 65535 }), network: fc.constant("kind") },
                { requiredKeys: [] },
            ),
            word.map((ns) => ({ mode: "existing", address: `localhost:5000/${ns}` })),
        ),
    },
    { requiredKeys: [] },
);

const nodePoolCounts = (minFloor: number) =>
    fc
        .integer({ min: minFloor, max: 5 })
        .chain((min) =>
            fc.integer({ min: Math.max(min, 1), max: 10 }).map((max) => ({ minCount: min, maxCount: max })),
        );

const resourceGroup = fc.stringMatching(/^rg-[a-z0-9]{2,10}$/);
const azureSettings = fc.oneof(
    fc.record({
        location: fc.constantFrom("westeurope", "eastus2"),
        resourceGroup: fc.record({ name: resourceGroup, create: fc.boolean() }),
        registry: fc.record({ sku: fc.constantFrom("Basic", "Standard", "Premium") }, { requiredKeys: [] }),
        cluster: fc.record({ mode: fc.constant("existing"), name: fc.stringMatching(/^aks-[a-z0-9]{2,8}$/) }),
    }),
    fc.record({
        location: fc.constantFrom("westeurope", "eastus2"),
        resourceGroup: fc.record({ name: resourceGroup, create: fc.constant(true) }),
        cluster: fc.record({ mode: fc.constant("create"), nodePool: nodePoolCounts(1) }, { requiredKeys: ["mode"] }),
    }),
    fc.record({
        registry: fc.record({
            mode: fc.constant("existing"),
            name: fc.stringMatching(/^acr[a-z0-9]{4,10}$/),
            resourceGroup,
        }),
        cluster: fc.record({ name: fc.stringMatching(/^aks-[a-z0-9]{2,8}$/), resourceGroup }),
    }),
);

const nodeGroupSizes = fc
    .tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 5 }))
    .map(([a, b, c]) => [a, b, c].sort((x, y) => x - y))
    .map(([minSize, desiredSize, maxSize]) => ({ minSize, desiredSize, maxSize: Math.max(maxSize, 1) }));

const awsSettings = fc.record(
    {
        region: fc.constantFrom("us-east-1", "eu-west-2", "ap-southeast-1"),
        cluster: fc.oneof(
            fc.record({ mode: fc.constant("existing"), name: fc.stringMatching(/^eks-[a-z0-9]{2,8}$/) }),
            fc.record({ mode: fc.constant("create"), nodeGroup: nodeGroupSizes }, { requiredKeys: ["mode"] }),
        ),
        registry: fc.record({ mode: fc.constantFrom("create", "existing"), prefix: word }, { requiredKeys: ["mode"] }),
    },
    { requiredKeys: ["region", "cluster"] },
);

const gcpSettings = fc.record(
    {
        project: fc.constantFrom("acme-shop-prod", "team-a-dev-42"),
        location: fc.constantFrom("europe-west4", "us-central1-a"),
        registry: fc.oneof(
            fc.record({ keepRecent: fc.integer({ min: 1, max: 50 }) }, { requiredKeys: [] }),
            word.map((name) => ({ mode: "existing", name })),
        ),
        cluster: fc.oneof(
            word.map((name) => ({ name })),
            fc.record({ mode: fc.constant("create"), nodePool: nodePoolCounts(0) }, { requiredKeys: ["mode"] }),
        ),
    },
    { requiredKeys: ["project", "location", "cluster"] },
);

type Credentials = { push?: string; pull?: string };

/** A generic registry block and the credentials it needs (pull credentials only ever go with it). */
const genericRegistry: fc.Arbitrary<{ block: Record<string, unknown>; creds: Credentials }> = fc.oneof(
    fc
        .tuple(word, hex(12))
        .map(([user, pw]) => ({ block: { kind: "generic", address: `docker.io/${user}` }, creds: { push: pw } })),
    fc.tuple(word, hex(12), hex(12)).map(([owner, pw, token]) => ({
        block: { kind: "generic", address: `ghcr.io/${owner}`, pull: "secret" },
        creds: { push: pw, pull: token },
    })),
    word.map((ns) => ({
        block: { kind: "generic", address: `harbor.example.com/${ns}`, pull: "anonymous" },
        creds: {},
    })),
    fc.constant({ block: { kind: "generic", address: "http://lab.local:5000", insecure: true }, creds: {} }),
);

/** A kubeconfig cluster block, and the inline kubeconfig's token when it uses one. */
const kubeconfigCluster: fc.Arbitrary<{ block: Record<string, unknown>; inline?: string }> = fc.oneof(
    fc.constant({ block: { kind: "kubeconfig" } }),
    fc.constant({ block: { kind: "kubeconfig", context: "lab" } }),
    fc.constant({ block: { kind: "kubeconfig", path: KUBECONFIG_FILE } }),
    hex(16).map((token) => ({ block: { kind: "kubeconfig", context: "lab" }, inline: token })),
);

const settingsOf: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
    local: localSettings,
    aks: azureSettings,
    eks: awsSettings,
    gke: gcpSettings,
};
const SETTINGS_KEY: Record<string, string> = {
    local: "stevedore:local",
    aks: "stevedore:azure",
    eks: "stevedore:aws",
    gke: "stevedore:gcp",
};

/** A valid stack config of `variant`. Credentials are set with --secret; `credentials: "always"` forces every one the variant takes. */
export function validCase(
    variant: Variant,
    options: { credentials?: "maybe" | "always" } = {},
): fc.Arbitrary<StackCase> {
    const target = targetOf(variant);
    const always = options.credentials === "always";
    // ECR pushes use a fresh authorization token: eks refuses static push credentials.
    const takesPush = !(variant === "eks");
    const none = fc.constant(undefined);
    return fc
        .record({
            apps: always ? appsOf(true) : apps,
            settings: target === undefined ? none : settingsOf[target],
            registry: usesGenericRegistry(variant) ? genericRegistry : none,
            cluster: usesKubeconfigCluster(variant) ? kubeconfigCluster : none,
            push: takesPush
                ? always
                    ? hex(12).map((h) => h as string | undefined)
                    : fc.option(hex(12), { nil: undefined })
                : none,
            namespace: fc.option(appName, { nil: undefined }),
            platform: fc.option(fc.constantFrom("linux/amd64", "linux/arm64"), { nil: undefined }),
            kube: always ? hex(16).map((h) => h as string | undefined) : none,
        })
        .map(({ apps: list, settings, registry, cluster, push, namespace, platform, kube }) => {
            const config: TestConfig = { "stevedore:apps": list };
            const secretKeys: string[] = [];
            if (target !== undefined) config["stevedore:target"] = target;
            if (target !== undefined && settings !== undefined) config[SETTINGS_KEY[target]] = settings;
            if (namespace !== undefined) config["stevedore:namespace"] = namespace;
            if (platform !== undefined) config["stevedore:platform"] = platform;
            if (target === "eks") matchNodeArchitecture(config, platform);
            const creds: Credentials = {
                ...(registry?.creds ?? {}),
                ...(push === undefined || registry?.creds.push !== undefined ? {} : { push }),
            };
            if (registry !== undefined) config["stevedore:registry"] = registry.block;
            if (creds.push !== undefined) {
                config["stevedore:registryUsername"] = "ci";
                config["stevedore:registryPassword"] = `${SENTINEL.push}${creds.push}`;
                secretKeys.push("registryPassword");
            }
            if (creds.pull !== undefined) {
                config["stevedore:pullUsername"] = "reader";
                config["stevedore:pullPassword"] = `${SENTINEL.pull}${creds.pull}`;
                secretKeys.push("pullPassword");
            }
            if (cluster !== undefined) {
                const token = cluster.inline ?? kube;
                const block = token !== undefined && "path" in cluster.block ? { kind: "kubeconfig" } : cluster.block;
                config["stevedore:cluster"] = block;
                if (token !== undefined) {
                    config["stevedore:kubeconfig"] = inlineKubeconfig(`${SENTINEL.kube}${token}`);
                    secretKeys.push("kubeconfig");
                }
            }
            for (const entry of list) {
                if (entry.secretEnv === undefined) continue;
                const key = appSecretKey(String(entry.name));
                config[key] = `${SENTINEL.app}${String(entry.name).replace(/-/g, "")}`;
                secretKeys.push(key);
            }
            return { variant, config, secretKeys };
        });
}

/**
 * A created EKS node group runs one architecture and every image must be built for it: the apps
 * take the stack's platform, and an arm64 one gets Graviton instance types.
 */
function matchNodeArchitecture(config: TestConfig, platform: string | undefined): void {
    const aws = config["stevedore:aws"] as
        { cluster?: { mode?: string; nodeGroup?: Record<string, unknown> } } | undefined;
    const cluster = aws?.cluster;
    if (cluster?.mode !== "create") return;
    config["stevedore:apps"] = (config["stevedore:apps"] as Record<string, unknown>[]).map((app) =>
        Object.fromEntries(Object.entries(app).filter(([key]) => key !== "platform")),
    );
    // New objects, not edits: fast-check may reuse a generated value while shrinking.
    if (platform === "linux/arm64")
        config["stevedore:aws"] = {
            ...aws,
            cluster: { ...cluster, nodeGroup: { ...(cluster.nodeGroup ?? {}), instanceTypes: ["m7g.large"] } },
        };
}

/** Every variant, valid, in proportion. */
export const anyValidCase: fc.Arbitrary<StackCase> = fc.constantFrom(...VARIANTS).chain((v) => validCase(v));
