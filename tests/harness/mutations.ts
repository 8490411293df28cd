import fc from "fast-check";
import {
    StackCase,
    targetOf,
    usesGenericRegistry,
    usesKubeconfigCluster,
    validCase,
    Variant,
    VARIANTS,
} from "./arbitraries";
import { TestConfig } from "./program";

/**
 * Mutations of valid configs whose outcome is known in advance: each says which keys the error
 * must name. The oracle is this file's own reading of the documented rules, never the loader.
 */

/** What a case must do: be accepted (maybe warning about plain-text keys), be rejected naming keys, or just not crash. */
export type Expected =
    | { kind: "accept"; plaintext: string[] }
    | { kind: "reject"; keys: string[]; mutation: string }
    | { kind: "any"; mutation: string };

export interface Generated extends StackCase {
    expected: Expected;
}

/** Keys each map documents (README's configuration reference and docs/targets/*.md). */
const DOCUMENTED: Record<string, readonly string[]> = {
    top: [
        "target",
        "apps",
        "namespace",
        "platform",
        "renderDir",
        "registryUsername",
        "registryPassword",
        "pullUsername",
        "pullPassword",
        "registry",
        "cluster",
        "kubeconfig",
        "local",
        "azure",
        "aws",
        "gcp",
        "networkPolicy",
    ],
    app: [
        "name",
        "context",
        "dockerfile",
        "buildTarget",
        "buildArgs",
        "platform",
        "cacheFrom",
        "port",
        "replicas",
        "env",
        "healthPath",
        "resources",
        "runAsUser",
        "expose",
        "ingress",
        "secretEnv",
        "envFrom",
        "files",
        "command",
        "args",
        "probe",
        "migrate",
        "autoscale",
        "allowFrom",
    ],
    local: ["registry", "kubeconfig", "context"],
    azure: ["location", "resourceGroup", "registry", "cluster"],
    aws: ["region", "profile", "cluster", "registry"],
    gcp: ["project", "location", "registry", "cluster"],
    registry: ["kind", "address", "insecure", "pull"],
    cluster: ["kind", "path", "context"],
};

/** A typo of one of `keys` (a dropped, doubled or swapped letter, a changed case) that is none of them. */
const typoOf = (keys: readonly string[]) =>
    fc
        .tuple(fc.constantFrom(...keys), fc.nat(), fc.constantFrom("drop", "double", "swap", "case", "suffix"))
        .map(([key, n, op]) => {
            const i = n % key.length;
            if (op === "drop") return key.slice(0, i) + key.slice(i + 1);
            if (op === "double") return key.slice(0, i) + key[i] + key.slice(i);
            if (op === "swap") return key.slice(0, i) + key.slice(i + 1, i + 2) + key[i] + key.slice(i + 2);
            if (op === "case")
                return (
                    key.slice(0, i) +
                    (key[i] === key[i].toUpperCase() ? key[i].toLowerCase() : key[i].toUpperCase()) +
                    key.slice(i + 1)
                );
            return `${key}s`;
        })
        .filter((typo) => typo.length > 0 && !keys.includes(typo));

type Config = Record<string, unknown>;
type Edit = { mutation: string; apply: (c: Config) => string[] | undefined };
const obj = (v: unknown): Config => v as Config;
const appsOf = (c: Config): Config[] => c["stevedore:apps"] as Config[];

/** An invalid DNS label: capitals, a leading digit or hyphen, an underscore, too long, empty. */
const badLabel = fc.oneof(
    fc.stringMatching(/^[a-z]{1,5}[A-Z][a-z]{0,5}$/),
    fc.stringMatching(/^[0-9][a-z0-9]{0,5}$/),
    fc.stringMatching(/^[a-z]{1,4}_[a-z]{1,4}$/),
    fc.stringMatching(/^[a-z]{1,5}-$/),
    fc.stringMatching(/^[a-z]{41,50}$/),
    fc.constant(""),
);

/** A value of the wrong JSON type for a whole-number field. */
const notANumber = fc.oneof(
    fc.constant("3"),
    fc.boolean(),
    fc.constant([2]),
    fc.constant({ count: 2 }),
    fc.constant(null),
);
const outOfRange = (min: number, max: number) =>
    fc.oneof(
        fc.constant(min - 1),
        fc.constant(max + 1),
        fc.constant(min + 0.5),
        fc.integer({ min: max + 1 }),
        fc.integer({ max: min - 1 }),
    );

/** Sets `apps[i].field = value` for the app the index picks. */
const appEdit = (mutation: string, index: number, field: string, value: unknown): Edit => ({
    mutation,
    apply: (c) => {
        const list = appsOf(c);
        const i = index % list.length;
        if (value === undefined) delete list[i][field];
        else list[i][field] = value;
        return [`stevedore:apps[${i}].${field}`];
    },
});

/** Sets one dotted path below a top-level key (parents must exist). */
const setAt = (mutation: string, key: string, path: string[], value: unknown): Edit => ({
    mutation,
    apply: (c) => {
        let at = obj(c[key]);
        if (at === undefined || at === null) return undefined;
        for (const part of path.slice(0, -1)) {
            at[part] ??= {};
            at = obj(at[part]);
        }
        const last = path[path.length - 1];
        if (value === undefined) delete at[last];
        else at[last] = value;
        return [[`${key}`, ...path].join(".")];
    },
});

const edits = (variant: Variant): fc.Arbitrary<Edit>[] => {
    const target = targetOf(variant);
    const i = fc.nat(2);
    const list: fc.Arbitrary<Edit>[] = [
        typoOf(DOCUMENTED.top).map((typo) => ({
            mutation: "unknown top-level key",
            apply: (c: Config) => ((c[`stevedore:${typo}`] = "x"), [`stevedore:${typo}`]),
        })),
        fc.tuple(i, typoOf(DOCUMENTED.app)).map(([n, typo]) => appEdit("unknown app key", n, typo, 3)),
        fc
            .tuple(i, fc.constantFrom("replicas", "port", "runAsUser"), notANumber)
            .map(([n, f, v]) => appEdit("wrong type", n, f, v)),
        fc
            .tuple(i, fc.constantFrom("env", "expose", "healthPath", "name"), fc.constantFrom(7, true, ["x"]))
            .map(([n, f, v]) => appEdit("wrong type", n, f, v)),
        fc.tuple(i, outOfRange(1, 100)).map(([n, v]) => appEdit("out of range", n, "replicas", v)),
        fc.tuple(i, outOfRange(1, 65535)).map(([n, v]) => appEdit("out of range", n, "port", v)),
        fc.tuple(i, fc.constantFrom(0, -1, 2147483648)).map(([n, v]) => appEdit("out of range", n, "runAsUser", v)),
        fc.tuple(i, badLabel).map(([n, v]) => appEdit("bad name", n, "name", v)),
        fc
            .tuple(i, fc.constantFrom("/", "relative", ""))
            .map(([n, v]) => appEdit("bad name", n, "healthPath", v === "/" ? "healthz" : v)),
        i.map((n) => appEdit("missing required key", n, "name", undefined)),
        badLabel.map((v) => ({
            mutation: "bad name",
            apply: (c: Config) => ((c["stevedore:namespace"] = v === "" ? "-" : v), ["stevedore:namespace"]),
        })),
        fc.constantFrom("amd64", "Linux/AMD64", "linux/").map((v) => ({
            mutation: "bad name",
            apply: (c: Config) => ((c["stevedore:platform"] = v), ["stevedore:platform"]),
        })),
        fc.constant({
            mutation: "missing required key",
            apply: (c: Config) => (delete c["stevedore:apps"], ["stevedore:apps"]),
        }),
        fc.constantFrom([], "backend", { name: "backend" }).map((v) => ({
            mutation: "wrong type",
            apply: (c: Config) => ((c["stevedore:apps"] = v), ["stevedore:apps"]),
        })),
        fc.constant({
            mutation: "conflicting keys",
            apply: (c: Config) => {
                const list = appsOf(c);
                list.push({ ...list[0] });
                return [`stevedore:apps[${list.length - 1}].name`];
            },
        }),
        i.map((n) => ({
            mutation: "conflicting keys",
            apply: (c: Config) => {
                const a = appsOf(c)[n % appsOf(c).length];
                const ingress = a.expose === "ingress";
                if (ingress) delete a.ingress;
                else a.ingress = { host: "app.example.com" };
                return [`stevedore:apps[${n % appsOf(c).length}].${ingress ? "ingress" : "expose"}`];
            },
        })),
        // Contradictions between the keys of a real service (#25): each must name the key it breaks.
        i.map((n) => ({
            mutation: "conflicting keys",
            apply: (c: Config) => {
                const k = n % appsOf(c).length;
                Object.assign(appsOf(c)[k], { port: "none", probe: { type: "http" }, expose: "none" });
                delete appsOf(c)[k].ingress;
                return [`stevedore:apps[${k}].probe`];
            },
        })),
        fc.tuple(i, fc.integer({ min: 1, max: 100 })).map(([n, replicas]) => ({
            mutation: "conflicting keys",
            apply: (c: Config) => {
                const k = n % appsOf(c).length;
                Object.assign(appsOf(c)[k], { replicas, autoscale: { min: 1, max: 3 } });
                return [`stevedore:apps[${k}].replicas`];
            },
        })),
        i.map((n) => ({
            mutation: "missing required key",
            apply: (c: Config) => {
                const k = n % appsOf(c).length;
                appsOf(c)[k].secretEnv = { API_TOKEN: "nowhere:token" };
                return [`stevedore:apps[${k}].secretEnv.API_TOKEN`];
            },
        })),
        fc
            .tuple(i, fc.constantFrom("Db_Creds", "-x", "a".repeat(254)))
            .map(([n, name]) => appEdit("bad name", n, "envFrom", [{ secret: name }])),
        fc
            .tuple(i, fc.constantFrom("relative.json", "/etc/../x", "/etc/app/"))
            .map(([n, p]) => appEdit("bad name", n, "files", { [p]: "{}" })),
        fc.tuple(i, fc.constantFrom("ping", 7, "HTTP")).map(([n, type]) => appEdit("wrong type", n, "probe", { type })),
        // A number the JSON decoder turns into Infinity: the engine hands config over as text.
        i.map((n) => ({
            mutation: "out of range",
            apply: (c: Config) => {
                const list = appsOf(c);
                list[n % list.length].replicas = "__overflow__";
                c["stevedore:apps"] = JSON.stringify(list).replace('"__overflow__"', "1e400");
                return [`stevedore:apps[${n % list.length}].replicas`];
            },
        })),
        fc.constantFrom("registryUsername", "registryPassword").map((key) => ({
            mutation: "conflicting keys",
            apply: (c: Config) => {
                const other = key === "registryUsername" ? "registryPassword" : "registryUsername";
                if (c[`stevedore:${other}`] !== undefined) delete c[`stevedore:${other}`];
                else c[`stevedore:${key}`] = "half";
                return [`stevedore:registryUsername`];
            },
        })),
        fc
            .stringMatching(/^[a-z]{3,8}$/)
            .filter((t) => !["local", "aks", "eks", "gke"].includes(t))
            .map((t) => ({
                mutation: "bad name",
                apply: (c: Config) => ((c["stevedore:target"] = t), ["stevedore:target"]),
            })),
    ];
    if (target !== undefined && !(usesGenericRegistry(variant) && usesKubeconfigCluster(variant))) {
        list.push(
            fc.constant({
                mutation: "missing required key",
                apply: (c: Config) => (delete c["stevedore:target"], ["stevedore:target"]),
            }),
        );
    }
    if (!usesGenericRegistry(variant)) {
        list.push(
            fc.constant({
                mutation: "conflicting keys",
                apply: (c: Config) => (
                    (c["stevedore:pullUsername"] = "r"),
                    (c["stevedore:pullPassword"] = "p"),
                    ["stevedore:pullUsername"]
                ),
            }),
        );
    }
    if (!usesKubeconfigCluster(variant)) {
        list.push(
            fc.constant({
                mutation: "conflicting keys",
                apply: (c: Config) => ((c["stevedore:kubeconfig"] = "clusters: []"), ["stevedore:kubeconfig"]),
            }),
        );
    }
    if (target !== undefined && target !== "local" && !usesGenericRegistry(variant)) {
        // The cloud registry is pulled through an IAM grant that a kubeconfig cluster cannot give.
        list.push(
            fc.constant({
                mutation: "conflicting keys",
                apply: (c: Config) => (
                    delete c["stevedore:cluster"],
                    (c["stevedore:cluster"] = { kind: "kubeconfig" }),
                    ["stevedore:cluster.kind"]
                ),
            }),
        );
    }
    if (target === "local") {
        list.push(
            typoOf(DOCUMENTED.local).map((typo) => setAt("unknown key", "stevedore:local", [typo], "x")),
            fc
                .constantFrom(80, 1023, 65536, "5001")
                .map((v) => setAt("out of range", "stevedore:local", ["registry", "port"], v)),
            fc.constant(setAt("wrong type", "stevedore:local", ["registry", "mode"], "cloud")),
        );
    }
    if (target === "aks") {
        list.push(
            typoOf(DOCUMENTED.azure).map((typo) => setAt("unknown key", "stevedore:azure", [typo], "x")),
            fc
                .constantFrom("West Europe", "WESTEUROPE", "w")
                .map((v) => setAt("bad name", "stevedore:azure", ["location"], v)),
            fc
                .constantFrom("my-acr", "acr", "a_b_c_d_e")
                .map((v) => setAt("bad name", "stevedore:azure", ["registry", "name"], v)),
            fc.constantFrom("Gold", 2).map((v) => setAt("wrong type", "stevedore:azure", ["registry", "sku"], v)),
            fc.constantFrom("borrowed", 1).map((v) => setAt("wrong type", "stevedore:azure", ["cluster", "mode"], v)),
        );
    }
    if (target === "eks") {
        list.push(
            typoOf(DOCUMENTED.aws).map((typo) => setAt("unknown key", "stevedore:aws", [typo], "x")),
            fc
                .constantFrom("us-east", "US-EAST-1", "useast1")
                .map((v) => setAt("bad name", "stevedore:aws", ["region"], v)),
            fc.constant(setAt("missing required key", "stevedore:aws", ["region"], undefined)),
            fc
                .constantFrom("Team", "team//a", "-team")
                .map((v) => setAt("bad name", "stevedore:aws", ["registry", "prefix"], v)),
            fc
                .constantFrom(0, 10001, "20")
                .map((v) => setAt("out of range", "stevedore:aws", ["registry", "keepLast"], v)),
        );
        if (variant === "eks") {
            // ECR's own rules: push credentials are refused, repository names follow ECR's pattern.
            list.push(
                fc.constant({
                    mutation: "conflicting keys",
                    apply: (c: Config) => (
                        (c["stevedore:registryUsername"] = "ci"),
                        (c["stevedore:registryPassword"] = "pw"),
                        ["stevedore:registryUsername"]
                    ),
                }),
                fc.tuple(i, fc.constantFrom("a", "a--b", "x__y")).map(([n, v]) => ({
                    mutation: "bad name",
                    apply: (c: Config) => {
                        const registry = obj(c["stevedore:aws"]).registry;
                        if (registry !== undefined) delete obj(registry).prefix;
                        appsOf(c)[n % appsOf(c).length].name = v;
                        return v === "x__y"
                            ? [`stevedore:apps[${n % appsOf(c).length}].name`]
                            : ["stevedore:aws.registry"];
                    },
                })),
            );
        }
    }
    if (target === "gke") {
        list.push(
            typoOf(DOCUMENTED.gcp).map((typo) => setAt("unknown key", "stevedore:gcp", [typo], "x")),
            fc
                .constantFrom("Acme", "ab", "acme-", "1acme-shop")
                .map((v) => setAt("bad name", "stevedore:gcp", ["project"], v)),
            fc.constant(setAt("missing required key", "stevedore:gcp", ["project"], undefined)),
            fc
                .constantFrom("us-central1-a", "mars")
                .map((v) => setAt("bad name", "stevedore:gcp", ["registry", "location"], v)),
            fc
                .constantFrom(0, 10001, 1.5)
                .map((v) => setAt("out of range", "stevedore:gcp", ["registry", "untaggedMaxAgeDays"], v)),
        );
    }
    if (usesGenericRegistry(variant)) {
        list.push(
            typoOf(DOCUMENTED.registry).map((typo) => setAt("unknown key", "stevedore:registry", [typo], "x")),
            fc
                .constantFrom(
                    "docker.io",
                    "hub.docker.com/me",
                    "Harbor.example.com/x",
                    "harbor.example.com/x:tag",
                    "ftp://lab:5000",
                    "docker.io/library",
                )
                .map((v) => setAt("bad name", "stevedore:registry", ["address"], v)),
            fc.constantFrom("dockerhub", 1).map((v) => setAt("wrong type", "stevedore:registry", ["kind"], v)),
            fc.constant(setAt("wrong type", "stevedore:registry", ["insecure"], "yes")),
        );
        if (target === undefined)
            list.push(
                fc.constant({
                    mutation: "missing required key",
                    apply: (c: Config) => (delete c["stevedore:registry"], ["stevedore:target"]),
                }),
            );
    }
    if (usesKubeconfigCluster(variant)) {
        list.push(
            typoOf(DOCUMENTED.cluster).map((typo) => setAt("unknown key", "stevedore:cluster", [typo], "x")),
            fc.constantFrom("/nonexistent/kubeconfig", "~/no/such/file").map((v) => ({
                mutation: "bad name",
                apply: (c: Config) => {
                    delete c["stevedore:kubeconfig"];
                    obj(c["stevedore:cluster"]).path = v;
                    return ["stevedore:cluster.path"];
                },
            })),
            fc.constantFrom("eks", "file").map((v) => setAt("wrong type", "stevedore:cluster", ["kind"], v)),
            fc.constantFrom("hello", "apiVersion: v1").map((v) => ({
                mutation: "bad name",
                apply: (c: Config) => ((c["stevedore:kubeconfig"] = v), ["stevedore:kubeconfig"]),
            })),
        );
    }
    return list;
};

const copy = (config: TestConfig): Config => JSON.parse(JSON.stringify(config)) as Config;

/** A valid config of `variant` with one mutation whose outcome is known. */
export function invalidCase(variant: Variant): fc.Arbitrary<Generated> {
    return fc.tuple(validCase(variant), fc.oneof(...edits(variant))).chain(([base, edit]): fc.Arbitrary<Generated> => {
        const config = copy(base.config);
        const keys = edit.apply(config);
        if (keys === undefined) return fc.constant({ ...base, expected: { kind: "accept", plaintext: [] } });
        const secretKeys = base.secretKeys.filter((k) => config[`stevedore:${k}`] !== undefined);
        return fc.constant({
            variant,
            config,
            secretKeys,
            expected: { kind: "reject", keys, mutation: edit.mutation },
        });
    });
}

/** Credential keys a case sets: each must be secret, or be warned about. */
const CREDENTIALS = ["registryPassword", "pullPassword", "kubeconfig"];

/** A valid config as generated, or with some credential keys set without --secret (a warning, not an error). */
export function acceptedCase(variant: Variant): fc.Arbitrary<Generated> {
    return fc.tuple(validCase(variant), fc.subarray(CREDENTIALS)).map(([base, plain]) => {
        const secretKeys = base.secretKeys.filter((k) => !plain.includes(k));
        const plaintext = base.secretKeys.filter((k) => plain.includes(k));
        return { ...base, secretKeys, expected: { kind: "accept", plaintext } };
    });
}

/** Anything JSON at a random place of a valid config: the outcome is unknown, but it must never be a crash. */
export function chaosCase(variant: Variant): fc.Arbitrary<Generated> {
    return fc
        .tuple(
            validCase(variant),
            fc.nat(),
            fc.jsonValue({ maxDepth: 2 }),
            fc.constantFrom(...DOCUMENTED.top, ...DOCUMENTED.app),
        )
        .map(([base, n, value, key]) => {
            const config = copy(base.config);
            const list = appsOf(config);
            if (DOCUMENTED.app.includes(key) && Array.isArray(list)) list[n % list.length][key] = value;
            else config[`stevedore:${key}`] = value;
            return {
                ...base,
                config,
                expected: { kind: "any", mutation: `${key} = ${JSON.stringify(value).slice(0, 40)}` },
            };
        });
}

/** The mix the loader-level property draws from: mostly mutations, every variant. */
export const anyCase: fc.Arbitrary<Generated> = fc.oneof(
    ...VARIANTS.map((v) =>
        fc.oneof(
            { weight: 5, arbitrary: invalidCase(v) },
            { weight: 2, arbitrary: acceptedCase(v) },
            { weight: 1, arbitrary: chaosCase(v) },
        ),
    ),
);
