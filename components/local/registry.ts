import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { PullAccess, Registry, RegistryArgs, RegistryCredentials } from "../contracts";
import { htpasswdLine } from "./htpasswd";
import { LocalSettings } from "./settings";
import { secretCredentials } from "../registry/credentials";
import { unknownApp } from "../registry/unknownApp";

/** Port the `registry:2` image listens on inside its container. */
const REGISTRY_PORT = 5000;
const HTPASSWD_PATH = "/auth/htpasswd";

/** Environment and files that make the registry container require `auth` (htpasswd, bcrypt). */
function authSettings(auth: RegistryArgs["auth"]): Pick<docker.ContainerArgs, "envs" | "uploads"> {
    if (auth === undefined) return {};
    return {
        envs: [
            "REGISTRY_AUTH=htpasswd",
            "REGISTRY_AUTH_HTPASSWD_REALM=stevedore",
            `REGISTRY_AUTH_HTPASSWD_PATH=${HTPASSWD_PATH}`,
        ],
        uploads: [
            {
                file: HTPASSWD_PATH,
                content: pulumi.secret(auth.password.apply((password) => htpasswdLine(auth.username, password))),
            },
        ],
    };
}

/**
 * A registry on the developer's machine: a `registry:2` container that stevedore runs (published
 * on loopback only), or a registry that is already running at a given address.
 */
export class LocalRegistry extends pulumi.ComponentResource implements Registry {
    public readonly server: pulumi.Output<string>;
    public readonly pushCredentials: pulumi.Output<RegistryCredentials> | undefined;
    public readonly pullAccess: PullAccess;
    /** A local registry serves plain HTTP on this machine (the Docker engine trusts localhost without TLS). */
    public readonly plainHttp = true;
    /** Name of the registry container stevedore runs; undefined for an existing registry. */
    public readonly containerName: pulumi.Output<string> | undefined;
    private readonly prefix: pulumi.Output<string>;
    private readonly apps: Set<string>;

    constructor(name: string, args: RegistryArgs, settings: LocalSettings, opts?: pulumi.ComponentResourceOptions) {
        super("stevedore:local:Registry", name, {}, opts);
        const cfg = settings.registry;
        this.apps = new Set(args.apps);

        if (cfg.mode === "existing" && cfg.address !== undefined) {
            const [server] = cfg.address.split("/");
            this.server = pulumi.output(server);
            this.prefix = pulumi.output(cfg.address);
            this.containerName = undefined;
        } else {
            const image = new docker.RemoteImage(
                `${name}-image`,
                { name: cfg.image, keepLocally: true },
                { parent: this },
            );
            const container = new docker.Container(
                `${name}-container`,
                {
                    name: cfg.containerName,
                    image: image.imageId,
                    restart: "unless-stopped",
                    // Loopback only: a development registry must not face the network.
                    ports: [{ internal: REGISTRY_PORT, external: cfg.port, ip: "127.0.0.1" }],
                    ...authSettings(args.auth),
                    networksAdvanced: cfg.network === undefined ? undefined : [{ name: cfg.network }],
                    labels: [{ label: "app.kubernetes.io/managed-by", value: "stevedore" }],
                },
                { parent: this },
            );
            this.containerName = container.name;
            // Reading the container's name makes every push wait until the registry exists.
            this.server = container.name.apply(() => `${cfg.host}:${cfg.port}`);
            this.prefix = this.server;
        }

        this.pushCredentials =
            args.auth === undefined
                ? undefined
                : secretCredentials(this.server, args.auth.username, args.auth.password);
        this.pullAccess =
            this.pushCredentials === undefined
                ? { kind: "anonymous" }
                : { kind: "pullSecret", credentials: this.pushCredentials };
        this.registerOutputs({ server: this.server, containerName: this.containerName });
    }

    public repository(app: string): pulumi.Output<string> {
        if (!this.apps.has(app)) throw unknownApp(app, this.apps, this);
        return pulumi.interpolate`${this.prefix}/${app}`;
    }
}
