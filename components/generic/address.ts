/** A registry address split into what docker, the kubelet and repository names need. */
export interface RegistryAddress {
    /** `host[:port]` that docker pushes to and kubelets pull from; Docker Hub's aliases become `docker.io`. */
    server: string;
    /** Path under the host that holds the app repositories, e.g. `myuser` or `team/project`; empty for none. */
    namespace: string;
    /** Scheme written in the address, if any; image references never carry it. */
    scheme?: "http" | "https";
    /** Whether this is Docker Hub, whose credential key is `https://index.docker.io/v1/`. */
    dockerHub: boolean;
}

export type AddressCheck = { ok: true; address: RegistryAddress } | { ok: false; problem: string };

const DOCKER_HUB_HOSTS = ["docker.io", "index.docker.io", "registry-1.docker.io"];
/** Registries whose repositories always live under an account, so a bare host cannot work. */
const NAMESPACE_REQUIRED: Record<string, string> = {
    "ghcr.io": "ghcr.io/<owner>",
    "quay.io": "quay.io/<organization>",
};

/** One path component of an image reference (the distribution spec's grammar). */
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const LABEL = "[a-z0-9](?:[a-z0-9-]*[a-z0-9])?";
const HOST = new RegExp(`^${LABEL}(?:\\.${LABEL})*(?::[0-9]{1,5})?$`);
/** Docker Hub namespaces (users and organizations): lowercase letters, digits, '-' and '_'. */
const HUB_NAMESPACE = /^[a-z0-9][a-z0-9_-]*$/;

/** Docker's rule: the first component names a host only if it has a dot or a port, or is `localhost`. */
function isHost(part: string): boolean {
    return part.includes(".") || part.includes(":") || part === "localhost";
}

/**
 * Parses `[http(s)://]host[:port][/namespace…]`, the address of an existing registry plus the
 * namespace that holds the apps' repositories. Problems are phrased for a config error.
 */
export function parseRegistryAddress(raw: string): AddressCheck {
    const fail = (problem: string): AddressCheck => ({ ok: false, problem });
    const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(raw);
    const scheme = schemeMatch?.[1].toLowerCase();
    if (scheme !== undefined && scheme !== "http" && scheme !== "https") {
        return fail(`the scheme may only be https:// or http:// (or none), not ${scheme}://`);
    }
    const rest = raw.slice(schemeMatch?.[0].length ?? 0);
    const [host, ...path] = rest.split("/");
    if (rest.includes("@") || path.some((part) => part.includes(":"))) {
        return fail(
            "must be a registry address and namespace without a tag or digest; stevedore tags and pins each image itself",
        );
    }
    if (rest !== rest.toLowerCase()) {
        return fail(
            `must be lowercase (image references cannot hold capital letters): write ${JSON.stringify(rest.toLowerCase())}`,
        );
    }
    if (host === "hub.docker.com")
        return fail("hub.docker.com is Docker Hub's website; its registry is docker.io, so write docker.io/<user>");
    if (!isHost(host)) {
        return fail(
            `must start with the registry's host; "${host}" is not a host name (for Docker Hub write docker.io/${rest})`,
        );
    }
    if (!HOST.test(host)) return fail(`"${host}" is not a valid host[:port]`);
    const bad = path.find((part) => !COMPONENT.test(part));
    if (bad !== undefined) {
        return fail(
            `namespace part "${bad}" is not allowed: use lowercase letters and digits, separated by '.', '_', '__' or '-' (no empty parts, no trailing '/')`,
        );
    }
    const as = (server: string): AddressCheck => ({
        ok: true,
        address: {
            server,
            namespace: path.join("/"),
            scheme: scheme === "http" || scheme === "https" ? scheme : undefined,
            dockerHub: server === "docker.io",
        },
    });
    if (DOCKER_HUB_HOSTS.includes(host)) {
        if (path.length === 0)
            return fail("Docker Hub needs a namespace: write docker.io/<user> or docker.io/<organization>");
        if (path.length > 1)
            return fail(
                "Docker Hub has a single namespace level: write docker.io/<user>; repositories become docker.io/<user>/<app>",
            );
        if (path[0] === "library")
            return fail(
                "docker.io/library holds only Docker's official images; push to your own namespace: docker.io/<user>",
            );
        if (!HUB_NAMESPACE.test(path[0]))
            return fail(`"${path[0]}" is not a Docker Hub namespace: use lowercase letters, digits, '-' and '_'`);
        return as("docker.io");
    }
    const example = NAMESPACE_REQUIRED[host];
    if (example !== undefined && path.length === 0) return fail(`${host} needs a namespace: write ${example}`);
    return as(host);
}
