import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { registryHost } from "../config/pin";

/** A base image the registry could not resolve: the app, the reference and why. */
export class BaseImageError extends pulumi.RunError {
    constructor(message: string) {
        super(message);
        this.name = "BaseImageError";
        this.stack = `${this.name}: ${this.message}`;
    }
}

/** `${NAME}`, `${NAME:-default}` and `$NAME` in a FROM line, from the build args, then the ARG defaults. */
function substitute(text: string, values: Record<string, string>): string {
    return text
        .replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\}/g, (whole, name: string, _d, fallback?: string) => {
            const value = values[name];
            return value !== undefined && value !== "" ? value : (fallback ?? (value === undefined ? whole : ""));
        })
        .replace(/\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, name: string) => values[name] ?? whole);
}

/**
 * The images a Dockerfile's FROMs name, with ARG-parameterised ones resolved from `buildArgs`
 * (over the global ARGs' defaults); `scratch` and earlier stages are not images.
 */
export function fromReferences(dockerfile: string, buildArgs: Record<string, string>): string[] {
    const lines = dockerfile.replace(/\\\r?\n/g, " ").split(/\r?\n/);
    const globals: Record<string, string> = {};
    const stages = new Set<string>();
    const refs: string[] = [];
    let seenFrom = false;
    for (const raw of lines) {
        const line = raw.trim();
        const arg = /^ARG\s+([A-Za-z_][A-Za-z0-9_]*)(=(.*))?$/i.exec(line);
        if (arg !== null && !seenFrom) {
            globals[arg[1]] = (arg[3] ?? "").replace(/^["']|["']$/g, "");
            continue;
        }
        const from = /^FROM\s+(--platform=\S+\s+)?(\S+)(\s+AS\s+(\S+))?/i.exec(line);
        if (from === null) continue;
        seenFrom = true;
        const ref = substitute(from[2], { ...globals, ...buildArgs });
        if (ref.toLowerCase() !== "scratch" && !stages.has(ref.toLowerCase()) && !refs.includes(ref)) refs.push(ref);
        if (from[4] !== undefined) stages.add(from[4].toLowerCase());
    }
    return refs;
}

const MANIFEST_TYPES = [
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

/** Registry host, repository path and tag of a reference, the way Docker reads it. */
function parts(ref: string): { host: string; repository: string; reference: string } {
    const [name, digest] = ref.split("@");
    const host = registryHost(ref);
    let path =
        name.includes("/") && name.split("/")[0] !== "docker.io" && host !== "docker.io"
            ? name.slice(name.indexOf("/") + 1)
            : name.replace(/^docker\.io\//, "");
    if (host === "docker.io" && !path.includes("/")) path = `library/${path}`;
    const colon = path.lastIndexOf(":");
    const tag = colon > path.lastIndexOf("/") ? path.slice(colon + 1) : "latest";
    const repository = colon > path.lastIndexOf("/") ? path.slice(0, colon) : path;
    return { host: host === "docker.io" ? "registry-1.docker.io" : host, repository, reference: digest ?? tag };
}

/** The anonymous bearer token a registry's 401 challenge points at, if it offers one. */
async function anonymousToken(challenge: string | null): Promise<string | undefined> {
    const bearer = challenge === null ? null : /^Bearer\s+(.*)$/i.exec(challenge);
    if (bearer === null) return undefined;
    const fields = Object.fromEntries([...bearer[1].matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (fields.realm === undefined) return undefined;
    const url = new URL(fields.realm);
    for (const key of ["service", "scope"]) if (fields[key] !== undefined) url.searchParams.set(key, fields[key]);
    const response = await fetch(url);
    if (!response.ok) return undefined;
    const body = (await response.json()) as { token?: string; access_token?: string };
    return body.token ?? body.access_token;
}

/** The digest `ref` resolves to now: one HEAD of its manifest (a token request first where the registry asks). */
export async function resolveDigest(ref: string): Promise<string> {
    const { host, repository, reference } = parts(ref);
    if (reference.startsWith("sha256:")) return reference;
    const local = /^(localhost|127\.0\.0\.1)(:\d+)?$/.test(host);
    const url = `${local ? "http" : "https"}://${host}/v2/${repository}/manifests/${reference}`;
    const head = (token?: string) =>
        fetch(url, {
            method: "HEAD",
            headers: { accept: MANIFEST_TYPES, ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
        });
    let response = await head();
    if (response.status === 401) {
        const token = await anonymousToken(response.headers.get("www-authenticate"));
        if (token !== undefined) response = await head(token);
    }
    const digest = response.headers.get("docker-content-digest");
    if (!response.ok || digest === null) throw new Error(`HTTP ${response.status} from ${url}`);
    return digest;
}

/** Base image reference -> the digest it resolves to now, for an app with refreshBaseImages. */
export async function baseImageDigests(
    app: string,
    key: string,
    dockerfilePath: string,
    buildArgs: Record<string, string>,
): Promise<Record<string, string>> {
    const refs = fromReferences(fs.readFileSync(dockerfilePath, "utf8"), buildArgs);
    const digests: Record<string, string> = {};
    for (const ref of refs) {
        if (ref.includes("$")) {
            throw new BaseImageError(
                `${key}.refreshBaseImages: app ${JSON.stringify(app)}: FROM ${ref} names a build arg with no value; give it in ${key}.buildArgs or as an ARG default`,
            );
        }
        try {
            digests[ref] = await resolveDigest(ref);
        } catch (error) {
            throw new BaseImageError(
                `${key}.refreshBaseImages: app ${JSON.stringify(app)}: cannot resolve base image ${ref} (${(error as Error).message}); ` +
                    "it must be readable without credentials (anonymously, or with a registry's anonymous token), or turn refreshBaseImages off for this app",
            );
        }
    }
    return digests;
}
