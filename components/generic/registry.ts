import * as pulumi from "@pulumi/pulumi";
import { PullAccess, Registry, RegistryArgs, RegistryCredentials } from "../contracts";
import { GenericRegistrySettings } from "./settings";
import { secretCredentials } from "../registry/credentials";
import { unknownApp } from "../registry/unknownApp";

type Auth = NonNullable<RegistryArgs["auth"]>;

/** `auth` as credentials for `server`, kept secret end to end. */
const credentialsFor = (server: string, auth: Auth): pulumi.Output<RegistryCredentials> =>
    secretCredentials(server, auth.username, auth.password);

/**
 * An existing registry that stevedore only pushes to: Docker Hub, GHCR, Harbor, Quay, a
 * self-hosted or lab registry. It needs no cloud SDK; the cluster pulls anonymously or through a
 * pull Secret built from the (ideally read-only) pull credentials.
 */
export class GenericRegistry extends pulumi.ComponentResource implements Registry {
    /** Host (and port) docker pushes to: `docker.io`, `ghcr.io`, `harbor.example.com`, `lab:5000`. */
    public readonly server: pulumi.Output<string>;
    /** Push credentials from `stevedore:registryUsername` / `registryPassword`, as a secret; undefined to use the docker login already on this machine. */
    public readonly pushCredentials: pulumi.Output<RegistryCredentials> | undefined;
    /** `anonymous`, or a pull Secret from the pull credentials (the push credentials when none are given). */
    public readonly pullAccess: PullAccess;
    /** `insecure: true`: a plain-HTTP registry. */
    public readonly plainHttp: boolean;
    /** `server/namespace` that every app repository sits under. */
    public readonly prefix: string;
    private readonly apps: Set<string>;

    constructor(
        name: string,
        args: RegistryArgs,
        settings: GenericRegistrySettings,
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super("stevedore:generic:Registry", name, {}, opts);
        this.apps = new Set(args.apps);
        for (const warning of settings.warnings) void pulumi.log.warn(warning, this);
        this.server = pulumi.output(settings.server);
        this.plainHttp = settings.insecure;
        this.prefix = settings.namespace === "" ? settings.server : `${settings.server}/${settings.namespace}`;
        this.pushCredentials = args.auth === undefined ? undefined : credentialsFor(settings.server, args.auth);

        const pullAuth = args.pullAuth ?? args.auth;
        if (settings.pull === "anonymous") {
            this.pullAccess = { kind: "anonymous" };
        } else if (pullAuth !== undefined) {
            this.pullAccess = { kind: "pullSecret", credentials: credentialsFor(settings.server, pullAuth) };
        } else {
            // Config parsing rejects this; kept as a guard for programmatic use.
            throw new pulumi.ResourceError(
                `registry ${name}: pull "secret" needs stevedore:pullUsername/pullPassword or stevedore:registryUsername/registryPassword`,
                this,
            );
        }
        this.registerOutputs({ server: this.server, prefix: this.prefix });
    }

    public repository(app: string): pulumi.Output<string> {
        if (!this.apps.has(app)) throw unknownApp(app, this.apps, this);
        return pulumi.output(`${this.prefix}/${app}`);
    }
}
