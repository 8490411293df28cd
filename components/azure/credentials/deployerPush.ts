import * as authorization from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";
import { RegistryCredentials } from "../../contracts";
import { ACR_PUSH, roleDefinitionId } from "../roles";
import { ACR_AUDIENCE, ACR_TOKEN_USERNAME, exchangeForRefreshToken } from "./acrTokenExchange";

export interface DeployerPushArgs {
    /** Login server, e.g. `contosoacr.azurecr.io`. */
    server: pulumi.Output<string>;
    /** ARM id of the registry: the scope of the AcrPush grant. */
    registryId: pulumi.Output<string>;
    /** Identity running `pulumi up` (from the provider's client config). */
    client: pulumi.Output<authorization.GetClientConfigResult>;
    /** Create the AcrPush role assignment for that identity. */
    grantRole: boolean;
}

export interface DeployerPush {
    /** Registry credentials for the build, as a secret. */
    credentials: pulumi.Output<RegistryCredentials>;
    /** The AcrPush role assignment, when stevedore created one. */
    grant: authorization.RoleAssignment | undefined;
}

/**
 * Push access for the identity that runs `pulumi up`, with no admin user and no stored password:
 * AcrPush on this registry only, and a short-lived ACR token exchanged from that identity's
 * Microsoft Entra login at deploy time. (Scope-map tokens would need a password the azure-native
 * SDK cannot generate: a token password's value is output-only and there is no generateCredentials call.)
 */
export function deployerPushCredentials(name: string, args: DeployerPushArgs, parent: pulumi.Resource): DeployerPush {
    const grant = args.grantRole
        ? new authorization.RoleAssignment(
              name,
              {
                  principalId: args.client.objectId,
                  roleDefinitionId: roleDefinitionId(args.client.subscriptionId, ACR_PUSH),
                  scope: args.registryId,
                  description: "stevedore: lets the identity running pulumi up push this stack's images",
              },
              { parent },
          )
        : undefined;
    const accessToken = pulumi.secret(authorization.getClientTokenOutput({ endpoint: ACR_AUDIENCE }, { parent }).token);
    // Reading the grant's id makes the exchange, and so every push, wait for the role assignment.
    const ready = grant === undefined ? args.registryId : grant.id;
    const credentials = pulumi
        .all([args.server, args.client.tenantId, accessToken, ready])
        .apply(async ([server, tenantId, token]) => ({
            server,
            username: ACR_TOKEN_USERNAME,
            password: await exchangeForRefreshToken(server, tenantId, token, parent),
        }));
    return { credentials: pulumi.secret(credentials), grant };
}
