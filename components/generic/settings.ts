import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { z } from "zod";
import type { SettingsContext } from "../contracts";
import { parseRegistryAddress } from "./address";

const block = z.strictObject({
    kind: z.literal("generic"),
    /** `[http(s)://]host[:port][/namespace]`: docker.io/myuser, ghcr.io/my-org, harbor.example.com/project, lab:5000. */
    address: z.string().min(1),
    /** Allows a plain-HTTP registry (`http://…`); the docker daemon and the nodes must trust it too. */
    insecure: z.boolean().default(false),
    /** How the cluster pulls: `anonymous` (public repositories) or `secret` (a dockerconfigjson pull Secret). */
    pull: z.enum(["anonymous", "secret"]).optional(),
});

/**
 * `stevedore:registry: {kind: generic, …}`: an existing registry given by address. The pull mode
 * defaults to `secret` when credentials exist, else `anonymous`; its rules depend on which
 * credential keys are set, hence a schema per context.
 */
export function genericRegistrySchema(context: SettingsContext) {
    return block.transform((r, ctx) => {
        const issue = (key: string, message: string) => ctx.addIssue({ code: "custom", path: [key], message });
        const parsed = parseRegistryAddress(r.address);
        if (!parsed.ok) {
            issue("address", parsed.problem);
            return z.NEVER;
        }
        const { address } = parsed;
        if (address.scheme === "http" && !r.insecure) {
            issue(
                "address",
                "is a plain-HTTP registry: set insecure: true to allow it (lab registries only), or use an https:// registry",
            );
        }
        if (address.scheme === "https" && r.insecure) {
            issue(
                "insecure",
                "must be false for an https:// address; insecure: true is for plain-HTTP registries (http://host:port or host:port)",
            );
        }
        if (r.pull === "secret" && !context.pushAuth && !context.pullAuth) {
            issue(
                "pull",
                'needs credentials: set stevedore:pullUsername and stevedore:pullPassword (--secret, ideally a read-only token) or stevedore:registryUsername and stevedore:registryPassword; or use "anonymous" for public repositories',
            );
        }
        if (r.pull === "anonymous" && context.pullAuth) {
            issue(
                "pull",
                'must be "secret" when stevedore:pullUsername / stevedore:pullPassword are set (they only feed the pull Secret); remove them for anonymous pulls',
            );
        }
        const pull = r.pull ?? (context.pushAuth || context.pullAuth ? "secret" : "anonymous");
        return {
            ...r,
            pull,
            server: address.server,
            namespace: address.namespace,
            warnings: authWarnings(r.address, address.server, pull, context),
        };
    });
}

/** Public registries that refuse anonymous pushes and serve only public repositories anonymously. */
const AUTH_REQUIRED: Record<string, string> = { "docker.io": "Docker Hub", "ghcr.io": "GHCR", "quay.io": "Quay" };

/**
 * Legal but likely mistakes, said before anything is pushed: no push credentials for a registry
 * that requires them (the push then depends on this machine's `docker login`), and anonymous pulls
 * from one (they work only for public repositories).
 */
function authWarnings(
    written: string,
    server: string,
    pull: "anonymous" | "secret",
    context: SettingsContext,
): string[] {
    const name = AUTH_REQUIRED[server];
    if (name === undefined) return [];
    const warnings: string[] = [];
    if (!context.pushAuth) {
        warnings.push(
            `stevedore:registry.address = ${JSON.stringify(written)}: ${name} requires authentication to push, and stevedore:registryUsername / stevedore:registryPassword are not set; ` +
                `pushes will use this machine's \`docker login ${server}\` (run it first), or set both keys (the password with pulumi config set --secret)`,
        );
    }
    if (pull === "anonymous") {
        warnings.push(
            `stevedore:registry.pull = "anonymous" from ${name}: only public repositories can be pulled without credentials, a private one ends in ImagePullBackOff; ` +
                `make the repositories public, or set pull: secret with stevedore:pullUsername / stevedore:pullPassword (a read-only token, --secret)`,
        );
    }
    return warnings;
}

export type GenericRegistrySettings = z.output<ReturnType<typeof genericRegistrySchema>>;

const cluster = z.strictObject({
    kind: z.literal("kubeconfig"),
    /** Path of a kubeconfig file (absolute, `~/…`, or relative to the project); default: KUBECONFIG, then ~/.kube/config. */
    path: z.string().min(1).optional(),
    /** Context inside the kubeconfig; default: its current context. */
    context: z.string().min(1).optional(),
});

/** `~/x` -> `<home>/x`; kubeconfig paths are often written that way and no shell expands config values. */
function expandHome(file: string): string {
    return file === "~" || file.startsWith("~/") ? path.join(os.homedir(), file.slice(1)) : file;
}

/**
 * `stevedore:cluster: {kind: kubeconfig, …}`: any cluster a kubeconfig reaches, by file path, by
 * inline contents (`stevedore:kubeconfig`, a secret), or by the default lookup; optionally a context.
 */
export function kubeconfigClusterSchema(context: SettingsContext) {
    return cluster.transform((c, ctx) => {
        if (c.path === undefined) return c;
        if (context.inlineKubeconfig) {
            ctx.addIssue({
                code: "custom",
                path: ["path"],
                message: "cannot be combined with stevedore:kubeconfig (inline contents); give one of them",
            });
            return z.NEVER;
        }
        const file = expandHome(c.path);
        const resolved = path.resolve(context.projectDir, file);
        if (!fs.existsSync(resolved) || !fs.statSync(resolved).isFile()) {
            ctx.addIssue({
                code: "custom",
                path: ["path"],
                message:
                    "no such file: give a kubeconfig file's path (absolute, ~/…, or relative to the project directory)",
            });
            return z.NEVER;
        }
        // Relative paths stay relative (the provider runs in the project directory), so state is the same on every machine.
        return { ...c, path: file };
    });
}

export type KubeconfigClusterSettings = z.output<ReturnType<typeof kubeconfigClusterSchema>>;
