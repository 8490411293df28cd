import * as pulumi from "@pulumi/pulumi";

/**
 * The username ACR expects with a refresh token obtained from Microsoft Entra ID (the same one
 * `az acr login --expose-token` prints): it tells the registry the password is a token.
 */
export const ACR_TOKEN_USERNAME = "00000000-0000-0000-0000-000000000000";

/**
 * Audience of the Entra token traded at the registry. ACR-audience tokens work on every registry;
 * ARM-audience ones are refused where `authentication-as-arm` is disabled (Azure Policy
 * 42781ec6-6127-4c30-bdfa-fb423a0047d3, part of the Landing Zone guardrails).
 */
export const ACR_AUDIENCE = "https://containerregistry.azure.net";

/** How long the exchange may take before the update fails instead of hanging on a silent network. */
export const EXCHANGE_TIMEOUT_MS = 30_000;

interface ExchangeResponse {
    refresh_token?: unknown;
}

/**
 * Trades a Microsoft Entra access token of the identity running Pulumi for an ACR refresh token
 * (`POST https://<server>/oauth2/exchange`), which `docker push` accepts as a password. The token
 * carries that identity's registry roles and expires within hours, so no long-lived secret exists.
 */
export async function exchangeForRefreshToken(
    server: string,
    tenantId: string,
    accessToken: string,
    registry?: pulumi.Resource,
    timeoutMs = EXCHANGE_TIMEOUT_MS,
): Promise<string> {
    const url = `https://${server}/oauth2/exchange`;
    let response: Response;
    try {
        response = await fetch(url, {
            method: "POST",
            headers: { "Content-Type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams({
                grant_type: "access_token",
                service: server,
                tenant: tenantId,
                access_token: accessToken,
            }).toString(),
            signal: AbortSignal.timeout(timeoutMs),
        });
    } catch (error) {
        const why =
            error instanceof Error && error.name === "TimeoutError"
                ? `no answer within ${timeoutMs / 1000} s`
                : String(error);
        throw new pulumi.ResourceError(
            `${server}: the registry token exchange (${url}) failed: ${why}; check that this machine reaches the registry (firewall, private endpoint, proxy)`,
            registry,
        );
    }
    const text = await response.text();
    if (!response.ok) {
        throw new pulumi.ResourceError(
            `${server} refused to exchange this Azure login for a registry token (HTTP ${response.status}: ${text.slice(0, 300)}); ` +
                "check `az account show` (tenant and subscription) and that the registry allows access from this network",
            registry,
        );
    }
    const body = parseJson(text);
    if (typeof body?.refresh_token !== "string" || body.refresh_token === "") {
        throw new pulumi.ResourceError(
            `${server} answered the token exchange (HTTP ${response.status}) without a refresh_token: ${JSON.stringify(text.slice(0, 200))}; ` +
                "a proxy or captive portal may be answering instead of the registry",
            registry,
        );
    }
    return body.refresh_token;
}

/** The answer as JSON, or undefined when it is not JSON (an HTML page from a proxy). */
function parseJson(text: string): ExchangeResponse | undefined {
    try {
        const parsed: unknown = JSON.parse(text);
        return parsed !== null && typeof parsed === "object" ? parsed : undefined;
    } catch {
        return undefined;
    }
}
