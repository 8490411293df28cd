const MANIFEST_TYPES = [
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.oci.image.index.v1+json",
].join(", ");

/** Reads a Docker registry's HTTP API (distribution v2) directly, as a cluster's runtime would. */
export class RegistryClient {
    constructor(
        private readonly base: string,
        private readonly auth?: { username: string; password: string },
    ) {}

    /** Status of `GET /v2/` with or without the credentials: 200 or 401 tell whether auth is required. */
    async ping(withCredentials = true): Promise<number> {
        return (await fetch(`${this.base}/v2/`, { headers: withCredentials ? this.headers() : {} })).status;
    }

    /** Tags of `repository`; [] when it does not exist. */
    async tags(repository: string): Promise<string[]> {
        const response = await fetch(`${this.base}/v2/${repository}/tags/list`, { headers: this.headers() });
        if (response.status === 404) return [];
        if (!response.ok) throw new Error(`registry: tags of ${repository}: HTTP ${response.status}`);
        return ((await response.json()) as { tags: string[] | null }).tags ?? [];
    }

    /** The `Docker-Content-Digest` the registry answers for `repository:reference`. */
    async digest(repository: string, reference: string): Promise<string> {
        const response = await fetch(`${this.base}/v2/${repository}/manifests/${reference}`, {
            method: "HEAD",
            headers: {
                ...this.headers(),
                accept: MANIFEST_TYPES,
            },
        });
        const digest = response.headers.get("docker-content-digest");
        if (!response.ok || digest === null) throw new Error(`registry: manifest ${repository}:${reference}: HTTP ${response.status}`);
        return digest;
    }

    /** The manifest or index `repository:reference` as the registry serves it, with its media type. */
    async manifest(repository: string, reference: string): Promise<{ mediaType?: string; manifests?: { digest: string; platform?: { os: string; architecture: string } }[]; config?: { digest: string }; layers?: { digest: string }[] }> {
        const response = await fetch(`${this.base}/v2/${repository}/manifests/${reference}`, { headers: { ...this.headers(), accept: MANIFEST_TYPES } });
        if (!response.ok) throw new Error(`registry: manifest ${repository}:${reference}: HTTP ${response.status}`);
        return (await response.json()) as { mediaType?: string };
    }

    /** A blob's bytes (a config or a compressed layer). */
    async blob(repository: string, digest: string): Promise<Buffer> {
        const response = await fetch(`${this.base}/v2/${repository}/blobs/${digest}`, { headers: this.headers() });
        if (!response.ok) throw new Error(`registry: blob ${repository}@${digest}: HTTP ${response.status}`);
        return Buffer.from(await response.arrayBuffer());
    }

    private headers(): Record<string, string> {
        if (this.auth === undefined) return {};
        return { authorization: `Basic ${Buffer.from(`${this.auth.username}:${this.auth.password}`).toString("base64")}` };
    }
}
