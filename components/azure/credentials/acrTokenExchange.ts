import * as pulumi from "@pulumi/pulumi";

/**
 * The username ACR expects with a refresh token obtained from Microsoft Entra ID (the same one
 * `az acr login --expose-token` prints): it tells the registry the password is a token.
 */
export const ACR_TOKEN_USERNAME = "00000000-0000-0000-0000-000000000000";

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
): Promise<string> {
    const response = await fetch(`https://${server}/oauth2/exchange`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
            grant_type: "access_token",
            service: server,
            tenant: tenantId,
            access_token: accessToken,
        }).toString(),
    });
    if (!response.ok) {
        const detail = (await response.text()).slice(0, 300);
        throw new pulumi.ResourceError(
            `${server} refused to exchange this Azure login for a registry token (HTTP ${response.status}: ${detail}); ` +
                "check `az account show` (tenant and subscription) and that the registry allows access from this network",
            registry,
        );
    }
    const body = (await response.json()) as ExchangeResponse;
    if (typeof body.refresh_token !== "string" || body.refresh_token === "") {
        throw new pulumi.ResourceError(`${server} answered the token exchange without a refresh_token`, registry);
    }
    return body.refresh_token;
}
