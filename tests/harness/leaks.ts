import * as pulumi from "@pulumi/pulumi";
import { isSecret, Registered } from "./mocks";

/** What stands in for a value the engine holds as a secret. */
const REDACTED = "[secret]";

/** A recorded input with every secret-marked value replaced: what would be stored in plain text. */
export function redactInputs(value: unknown): unknown {
    if (isSecret(value)) return REDACTED;
    if (Array.isArray(value)) return value.map(redactInputs);
    if (value !== null && typeof value === "object")
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactInputs(v)]));
    return value;
}

/** Program outputs resolved the way the engine saves them, with every secret Output replaced. */
export async function redactOutputs(value: unknown): Promise<unknown> {
    if (pulumi.Resource.isInstance(value)) return "[resource]";
    if (pulumi.Output.isInstance(value)) {
        if (await pulumi.isSecret(value)) return REDACTED;
        const inner = await new Promise<unknown>((resolve) => value.apply((v) => resolve(v)));
        return redactOutputs(inner);
    }
    if (Array.isArray(value)) return Promise.all(value.map(redactOutputs));
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(
            await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await redactOutputs(v)] as const)),
        );
    }
    return value;
}

/** Users that credentials are paired with in `user:password` basic-auth strings. */
const USERS = ["ci", "reader", "AWS", "oauth2accesstoken", "00000000-0000-0000-0000-000000000000"];

/** The ways a secret shows up in serialized state: as is, JSON-escaped (a multi-line kubeconfig), base64, and base64 of `user:secret`. */
export function forms(secret: string): string[] {
    const b64 = (text: string) => Buffer.from(text).toString("base64");
    return [secret, JSON.stringify(secret).slice(1, -1), b64(secret), ...USERS.map((user) => b64(`${user}:${secret}`))];
}

/** Each secret (by name) found in `text` in any of its forms. */
export function found(text: string, secrets: Record<string, string>): string[] {
    return Object.entries(secrets)
        .filter(([, secret]) => forms(secret).some((form) => text.includes(form)))
        .map(([name]) => name);
}

/** The secrets that appear in plain text in any registered input or stack output, with where. */
export async function plainSecrets(
    resources: Registered[],
    outputs: Record<string, unknown>,
    secrets: Record<string, string>,
): Promise<string[]> {
    const leaks = resources.flatMap((r) =>
        found(JSON.stringify(redactInputs(r.inputs)), secrets).map((name) => `${name} in ${r.type} ${r.name}`),
    );
    const shown = JSON.stringify(await redactOutputs(outputs));
    return [...leaks, ...found(shown, secrets).map((name) => `${name} in the stack outputs`)];
}
