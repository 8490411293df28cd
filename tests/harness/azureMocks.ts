import { MockOptions, sha256 } from "./mocks";
import { TestConfig } from "./program";
import { stackConfig, withConfig } from "./stacks";

export const SUBSCRIPTION = "8f3b2c41-6d5e-4a7f-9b1c-2e4d6f8a0b13";
export const TENANT = "3c1e9a57-0b2d-4f86-a4e1-9d7c5b2f6e08";
/** Object id of the identity running `pulumi up` (`az login`). */
export const DEPLOYER_OID = "5d2e8f14-7a3b-4c9e-8f01-6b4a2d9c3e7f";
/** An existing cluster's control-plane identity and its kubelet identity: deliberately different. */
export const EXISTING_CLUSTER_PRINCIPAL = "0a7c3e91-2f5d-4b86-9e14-c8d2a6f0b3e5";
export const EXISTING_KUBELET_OID = "e4b19d72-8c3a-4f05-b6e2-1d9f7a5c0e83";
export const CREATED_CLUSTER_PRINCIPAL = "9b2f6a38-4e1c-47d5-a0b9-3c8e5f2d1a64";
export const CREATED_KUBELET_OID = "71c5e0a9-d3b8-4a26-9f4e-b2a8c6d1e057";
/** A Microsoft Entra access token for ARM, as `getClientToken` returns it (a JWT). */
export const AAD_TOKEN =
    "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiIsIng1dCI6Ik1HTHFqOThWTkxvWGFGZnBKQ0JwZ0I0SmFLcyJ9.eyJhdWQiOiJodHRwczovL21hbmFnZW1lbnQuYXp1cmUuY29tLyJ9.c2lnbmF0dXJl";
/** A Microsoft Entra access token for the ACR audience (`getClientToken` with that endpoint). */
export const ACR_AAD_TOKEN =
    "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiIsIng1dCI6Ik1HTHFqOThWTkxvWGFGZnBKQ0JwZ0I0SmFLcyJ9.eyJhdWQiOiJodHRwczovL2NvbnRhaW5lcnJlZ2lzdHJ5LmF6dXJlLm5ldCJ9.c2lnbmF0dXJl";
/** The ACR refresh token `/oauth2/exchange` returns for it. */
export const ACR_REFRESH_TOKEN =
    "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJqdGkiOiJhY3ItcmVmcmVzaCIsImdyYW50X3R5cGUiOiJyZWZyZXNoX3Rva2VuIn0.YWNyLXNpZw";

const str = (v: unknown): string => String(v);
/** A stable version-4-shaped GUID, as ARM names role assignments. */
const guid = (seed: string): string => {
    const h = sha256(seed);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
export const armId = (group: string, provider: string, name: string) =>
    `/subscriptions/${SUBSCRIPTION}/resourceGroups/${group}/providers/${provider}/${name}`;

/** The kubeconfig AKS hands out for `cluster` (local accounts: a client certificate). */
export function aksKubeconfig(cluster: string): string {
    const server = `https://${cluster}-k3m9x2p1.hcp.westeurope.azmk8s.io:443`;
    return [
        "apiVersion: v1",
        "kind: Config",
        `clusters:\n- cluster:\n    certificate-authority-data: LS0tLS1CRUdJTi1DRVJUSUZJQ0FURS0tLS0t\n    server: ${server}\n  name: ${cluster}`,
        `contexts:\n- context:\n    cluster: ${cluster}\n    user: clusterUser_${cluster}\n  name: ${cluster}`,
        `current-context: ${cluster}`,
        `users:\n- name: clusterUser_${cluster}\n  user:\n    client-certificate-data: LS0tLS1DTElFTlQtQ0VSVC0tLS0t\n    token: 7f3c0b9e2d4a61f8c5e7b3a9d0f2c4e6`,
        "",
    ].join("\n");
}

function managedCluster(
    group: string,
    name: string,
    location: string,
    principal: string,
    kubelet: string | undefined,
): Record<string, unknown> {
    const nodeGroup = `MC_${group}_${name}_${location}`;
    return {
        id: armId(group, "Microsoft.ContainerService/managedClusters", name),
        name,
        location,
        fqdn: `${name}-k3m9x2p1.hcp.${location}.azmk8s.io`,
        currentKubernetesVersion: "1.33.3",
        nodeResourceGroup: nodeGroup,
        provisioningState: "Succeeded",
        identity: { type: "SystemAssigned", principalId: principal, tenantId: TENANT },
        identityProfile:
            kubelet === undefined
                ? undefined
                : {
                      kubeletidentity: {
                          clientId: "2b8d4f61-93ea-4c07-b5d1-7e0a3c9f6b28",
                          objectId: kubelet,
                          resourceId: `/subscriptions/${SUBSCRIPTION}/resourcegroups/${nodeGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}-agentpool`,
                      },
                  },
    };
}

/** What makes two role assignments the same for ARM, whatever their names. */
export interface AssignmentKey {
    principalId: string;
    roleDefinitionId: string;
    scope: string;
}

/**
 * ARM's rule for role assignments: a PUT under a new name of a (principal, role, scope) that some
 * assignment already holds fails with 409 RoleAssignmentExists. `held` are assignments made
 * outside the stack (`az aks update --attach-acr`, another stack).
 */
function roleAssignments(held: AssignmentKey[]) {
    const made: AssignmentKey[] = [...held];
    return (inputs: Record<string, unknown>): void => {
        const key = {
            principalId: str(inputs.principalId),
            roleDefinitionId: str(inputs.roleDefinitionId),
            scope: str(inputs.scope),
        };
        const same = (k: AssignmentKey) =>
            k.principalId === key.principalId &&
            k.roleDefinitionId.toLowerCase() === key.roleDefinitionId.toLowerCase() &&
            k.scope.toLowerCase() === key.scope.toLowerCase();
        if (made.some(same))
            throw new Error('Status=409 Code="RoleAssignmentExists" Message="The role assignment already exists."');
        made.push(key);
    };
}

/** Computed state of Azure resources, shaped like what azure-native returns. */
function azureState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> | undefined {
    switch (type) {
        case "azure-native:resources:ResourceGroup":
            return {
                name: inputs.resourceGroupName,
                type: "Microsoft.Resources/resourceGroups",
                properties: { provisioningState: "Succeeded" },
            };
        case "azure-native:containerregistry:Registry": {
            const registry = str(inputs.registryName);
            return {
                name: registry,
                loginServer: `${registry.toLowerCase()}.azurecr.io`,
                provisioningState: "Succeeded",
                creationDate: "2025-03-11T08:42:17.3215523Z",
            };
        }
        case "azure-native:containerservice:ManagedCluster":
            return managedCluster(
                str(inputs.resourceGroupName),
                str(inputs.resourceName),
                str(inputs.location),
                CREATED_CLUSTER_PRINCIPAL,
                CREATED_KUBELET_OID,
            );
        case "azure-native:authorization:RoleAssignment":
            return {
                name: guid(name),
                type: "Microsoft.Authorization/roleAssignments",
                createdOn: "2025-03-11T08:45:02.114Z",
            };
        default:
            return undefined;
    }
}

export interface AzureMockOptions {
    /** Subscription the client config reports. */
    subscription?: string;
    /** The existing cluster runs with a service principal: no kubelet identity. */
    noKubeletIdentity?: boolean;
    /** Role assignments that exist before the run; ARM answers a duplicate of one with 409. */
    roleAssignments?: AssignmentKey[];
}

/** Mock options answering every Azure invoke the target makes, and the invokes it made, by token. */
export function azureMocks(
    options: AzureMockOptions = {},
): MockOptions & { invoked: Map<string, Record<string, unknown>[]> } {
    const invoked = new Map<string, Record<string, unknown>[]>();
    const answer = (token: string, result: (inputs: Record<string, unknown>) => Record<string, unknown>) => {
        const handler = (inputs: Record<string, unknown>) => {
            invoked.set(token, [...(invoked.get(token) ?? []), inputs]);
            return result(inputs);
        };
        return [`azure-native:${token}`, handler] as const;
    };
    const calls = Object.fromEntries([
        answer("authorization:getClientConfig", () => ({
            clientId: "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
            objectId: DEPLOYER_OID,
            subscriptionId: options.subscription ?? SUBSCRIPTION,
            tenantId: TENANT,
        })),
        // Like the provider: an ARM-audience token unless another endpoint is asked for.
        answer("authorization:getClientToken", (inputs) => ({
            token: inputs.endpoint === "https://containerregistry.azure.net" ? ACR_AAD_TOKEN : AAD_TOKEN,
        })),
        answer("containerregistry:getRegistry", (inputs) => {
            const registry = str(inputs.registryName);
            return {
                id: armId(str(inputs.resourceGroupName), "Microsoft.ContainerRegistry/registries", registry),
                name: registry,
                location: "westeurope",
                loginServer: `${registry.toLowerCase()}.azurecr.io`,
                adminUserEnabled: false,
                sku: { name: "Premium", tier: "Premium" },
                provisioningState: "Succeeded",
            };
        }),
        answer("containerservice:getManagedCluster", (inputs) =>
            managedCluster(
                str(inputs.resourceGroupName),
                str(inputs.resourceName),
                "westeurope",
                EXISTING_CLUSTER_PRINCIPAL,
                options.noKubeletIdentity === true ? undefined : EXISTING_KUBELET_OID,
            ),
        ),
        answer("containerservice:listManagedClusterUserCredentials", (inputs) => ({
            kubeconfigs: [
                { name: "clusterUser", value: Buffer.from(aksKubeconfig(str(inputs.resourceName))).toString("base64") },
            ],
        })),
    ]);
    const assign = roleAssignments(options.roleAssignments ?? []);
    const state: MockOptions["state"] = (type, name, inputs) => {
        if (type === "azure-native:authorization:RoleAssignment") assign(inputs);
        return azureState(type, name, inputs);
    };
    return { state, calls, invoked };
}

/** One request the program sent to a registry's `/oauth2/exchange` endpoint. */
export interface ExchangeRequest {
    url: string;
    method: string;
    form: Record<string, string>;
}

/** The `aud` claim of a JWT, or "" when it has none. */
function audience(jwt: string): string {
    const payload = jwt.split(".")[1] ?? "";
    try {
        const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { aud?: unknown };
        return typeof claims.aud === "string" ? claims.aud : "";
    } catch {
        return "";
    }
}

export interface ExchangeStubOptions {
    /** HTTP status of every answer (200: a refresh token). */
    status?: number;
    /** The registry has `authentication-as-arm` disabled: ARM-audience tokens are refused, as ACR does. */
    acrAudienceOnly?: boolean;
    /** The raw body of a 200 answer, e.g. a proxy's HTML page. */
    body?: string;
    /** Never answers, until the request's signal aborts it. */
    hang?: boolean;
}

/**
 * Replaces `fetch` with ACR's token exchange endpoint: it records each request and answers with a
 * refresh token (or with `status` and an ACR error body). Call `restore` when the test ends.
 */
export function stubAcrExchange(options: number | ExchangeStubOptions = {}): {
    requests: ExchangeRequest[];
    restore: () => void;
} {
    const {
        status = 200,
        acrAudienceOnly = false,
        body,
        hang = false,
    } = typeof options === "number" ? { status: options } : options;
    const original = globalThis.fetch;
    const requests: ExchangeRequest[] = [];
    const json = (value: unknown, code: number) =>
        Promise.resolve(
            new Response(JSON.stringify(value), { status: code, headers: { "Content-Type": "application/json" } }),
        );
    globalThis.fetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
        const url = input instanceof Request ? input.url : input.toString();
        const sent = typeof init?.body === "string" ? init.body : "";
        const form = Object.fromEntries(new URLSearchParams(sent));
        requests.push({ url, method: init?.method ?? "GET", form });
        if (hang)
            return new Promise((_, reject) =>
                init?.signal?.addEventListener("abort", () => {
                    const reason: unknown = init.signal?.reason;
                    reject(reason instanceof Error ? reason : new Error(String(reason)));
                }),
            );
        if (!url.endsWith(".azurecr.io/oauth2/exchange"))
            return Promise.resolve(new Response("not found", { status: 404 }));
        if (acrAudienceOnly && !audience(form.access_token ?? "").startsWith("https://containerregistry.azure.net"))
            return json(
                {
                    errors: [
                        {
                            code: "UNAUTHORIZED",
                            message: "arm aad token disallowed: registry has AADAuthenticationAsArmPolicy disabled",
                        },
                    ],
                },
                401,
            );
        if (status === 200 && body !== undefined) return Promise.resolve(new Response(body, { status }));
        return status === 200
            ? json({ refresh_token: ACR_REFRESH_TOKEN }, 200)
            : json({ errors: [{ code: "UNAUTHORIZED", message: "authentication required" }] }, status);
    };
    return { requests, restore: () => (globalThis.fetch = original) };
}

/** The dev stack's apps on the aks target, with `azure` as the `stevedore:azure` settings. */
export function aksStack(
    azure: Record<string, unknown>,
    edit: (c: Record<string, unknown>) => void = () => undefined,
): TestConfig {
    return withConfig(stackConfig("dev"), (c) => {
        c["stevedore:target"] = "aks";
        delete c["stevedore:local"];
        c["stevedore:azure"] = azure;
        edit(c);
    });
}
