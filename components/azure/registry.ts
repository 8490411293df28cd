import * as authorization from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";
import { IamPullOf, Registry, RegistryArgs, RegistryCredentials } from "../contracts";
import { deployerPushCredentials } from "./credentials/deployerPush";
import { existingAcr } from "./existingRegistry";
import { newAcr } from "./newRegistry";
import { ACR_PULL, roleDefinitionId } from "./roles";
import { AzureTarget } from "./setup";
import { secretCredentials } from "../registry/credentials";
import { unknownApp } from "../registry/unknownApp";

/**
 * An Azure Container Registry, created by the stack or found by name. Pushes use the deployer's
 * Entra identity (or `stevedore:registryUsername`/`registryPassword` when given); the cluster pulls
 * through an AcrPull grant to its kubelet identity, so no pull secret exists.
 */
export class AcrRegistry extends pulumi.ComponentResource implements Registry {
    public readonly server: pulumi.Output<string>;
    public readonly pushCredentials: pulumi.Output<RegistryCredentials>;
    public readonly pullAccess: IamPullOf<"azure">;
    public readonly plainHttp = false;
    /** ARM resource id of the registry: the scope of the pull and push grants. */
    public readonly registryId: pulumi.Output<string>;
    /** The ACR name (the first label of `server`). */
    public readonly registryName: pulumi.Output<string>;
    private readonly apps: Set<string>;

    constructor(name: string, args: RegistryArgs, target: AzureTarget, opts?: pulumi.ComponentResourceOptions) {
        super("stevedore:azure:Registry", name, {}, opts);
        const cfg = target.settings.registry;
        this.apps = new Set(args.apps);

        // The subscription of the identity running Pulumi: role ids are never hard-coded to one.
        const client = authorization.getClientConfigOutput({ parent: this });
        const group = target.groupName(cfg.resourceGroup);
        const acr =
            cfg.mode === "create"
                ? newAcr(`${name}-acr`, cfg, group, client.subscriptionId, this)
                : existingAcr(cfg, group, this);
        this.server = acr.loginServer;
        this.registryId = acr.id;
        this.registryName = acr.name;

        if (args.auth !== undefined) {
            // Explicit credentials (e.g. a scope-map token made with `az acr token create`) win.
            const { username, password } = args.auth;
            this.pushCredentials = secretCredentials(this.server, username, password);
        } else {
            const push = deployerPushCredentials(
                `${name}-push`,
                { server: this.server, registryId: this.registryId, client, grantRole: cfg.grantPushToDeployer },
                this,
            );
            this.pushCredentials = push.credentials;
        }

        this.pullAccess = {
            kind: "iamGrant",
            cloud: "azure",
            roleDefinitionId: roleDefinitionId(client.subscriptionId, ACR_PULL),
            registryId: this.registryId,
        };
        this.registerOutputs({ server: this.server, registryId: this.registryId, registryName: this.registryName });
    }

    public repository(app: string): pulumi.Output<string> {
        if (!this.apps.has(app)) throw unknownApp(app, this.apps, this);
        return pulumi.interpolate`${this.server}/${app}`;
    }
}
