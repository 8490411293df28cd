import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { IamPullOf, Registry, RegistryArgs, RegistryCredentials } from "../contracts";
import { regionOf, registryHost } from "./names";
import { existingRepository } from "./existingRegistry";
import { newRepository } from "./newRegistry";
import { GcpTarget } from "./setup";
import { secretCredentials } from "../registry/credentials";
import { unknownApp } from "../registry/unknownApp";

/** Username Artifact Registry accepts with an OAuth access token as the password. */
export const ACCESS_TOKEN_USER = "oauth2accesstoken";
/** The role that lets a node pull images from a repository, and nothing more. */
export const READER_ROLE = "roles/artifactregistry.reader";

/**
 * An Artifact Registry Docker repository (created or existing). Images go to
 * `<location>-docker.pkg.dev/<project>/<repository>/<app>`; pushes use a short-lived OAuth token
 * of the identity running Pulumi; clusters pull through an IAM grant on the repository.
 */
export class ArtifactRegistry extends pulumi.ComponentResource implements Registry {
    public readonly server: pulumi.Output<string>;
    public readonly pushCredentials: pulumi.Output<RegistryCredentials>;
    public readonly pullAccess: IamPullOf<"gcp">;
    public readonly plainHttp = false;
    /** Resource name of the repository: `projects/<project>/locations/<location>/repositories/<id>`. */
    public readonly repositoryName: pulumi.Output<string>;
    private readonly prefix: pulumi.Output<string>;
    private readonly apps: Set<string>;

    constructor(name: string, args: RegistryArgs, target: GcpTarget, opts?: pulumi.ComponentResourceOptions) {
        super("stevedore:gcp:Registry", name, {}, opts);
        this.apps = new Set(args.apps);
        const { settings, provider } = target;
        const cfg = settings.registry;
        const location = cfg.location ?? regionOf(settings.location);

        const repo =
            cfg.mode === "create"
                ? newRepository(`${name}-repo`, settings.project, location, cfg, { parent: this, provider })
                : existingRepository(settings.project, location, cfg.name, { parent: this, provider });

        this.server = repo.location.apply(registryHost);
        this.prefix = pulumi.interpolate`${this.server}/${repo.project}/${repo.repositoryId}`;
        this.repositoryName = pulumi.interpolate`projects/${repo.project}/locations/${repo.location}/repositories/${repo.repositoryId}`;

        // stevedore:registryUsername/Password win (e.g. `_json_key` and a key file); otherwise the
        // access token of whoever runs Pulumi, which lives an hour: long enough for one update.
        const password =
            args.auth?.password ?? gcp.organizations.getClientConfigOutput({ parent: this, provider }).accessToken;
        const username = args.auth?.username ?? ACCESS_TOKEN_USER;
        this.pushCredentials = secretCredentials(this.server, username, password);

        this.pullAccess = {
            kind: "iamGrant",
            cloud: "gcp",
            role: READER_ROLE,
            project: repo.project,
            location: repo.location,
            repositoryId: repo.repositoryId,
        };
        this.registerOutputs({ server: this.server, repositoryName: this.repositoryName });
    }

    public repository(app: string): pulumi.Output<string> {
        if (!this.apps.has(app)) throw unknownApp(app, this.apps, this);
        return pulumi.interpolate`${this.prefix}/${app}`;
    }
}
