import * as pulumi from "@pulumi/pulumi";
import { NAMESPACE } from "./raw";

/** Keys that hold credentials: each must be set with `pulumi config set --secret`. */
export const CREDENTIAL_KEYS = ["registryPassword", "pullPassword", "kubeconfig"] as const;

/** How to re-set each credential key encrypted; a kubeconfig is a file's contents, read from stdin. */
const SET_SECRET: Record<(typeof CREDENTIAL_KEYS)[number], string> = {
    registryPassword: `pulumi config set --secret ${NAMESPACE}:registryPassword <password-or-token>`,
    pullPassword: `pulumi config set --secret ${NAMESPACE}:pullPassword <read-only-token>`,
    kubeconfig: `pulumi config set --secret ${NAMESPACE}:kubeconfig < <kubeconfig-file>`,
};

/**
 * The SDK's own reading of which config keys the engine marked secret (PULUMI_CONFIG_SECRET_KEYS,
 * through the runtime's config store). runtime/config.js exports it but marks it @internal, so it
 * is untyped; tests/plaintext.spec.ts pins that it is still there.
 */
const runtimeIsConfigSecret = (pulumi.runtime as unknown as { isConfigSecret?: (fullKey: string) => boolean })
    .isConfigSecret;

/** Whether the engine holds `fullKey` (`stevedore:npmToken`) as a secret; true when the SDK cannot tell. */
export function isConfigSecret(fullKey: string): boolean {
    return runtimeIsConfigSecret === undefined || runtimeIsConfigSecret(fullKey);
}

/** Whether the engine holds `fullKey` as a secret; undefined when this SDK cannot say. */
export function configKeyIsSecret(fullKey: string): boolean | undefined {
    return isConfigSecret === undefined ? undefined : isConfigSecret(fullKey);
}

/** One warning per credential key in `setKeys` that the engine does not hold as a secret. */
export function plaintextCredentialWarnings(setKeys: Iterable<string>, stack: string): string[] {
    if (runtimeIsConfigSecret === undefined) return [];
    const set = new Set(setKeys);
    return CREDENTIAL_KEYS.filter((key) => set.has(key) && !isConfigSecret(`${NAMESPACE}:${key}`)).map(
        (key) =>
            `${NAMESPACE}:${key} is stored in plain text in Pulumi.${stack}.yaml: it was set without --secret, so anyone who can read ` +
            `the stack file (or its git history) can read it. stevedore still treats it as a secret in the state; re-set it encrypted ` +
            `with \`${SET_SECRET[key]}\`, and rotate it if the file was ever committed.`,
    );
}

/**
 * Warns (does not refuse) about credentials set without --secret: refusing would break stacks that
 * work today, and the plain value is already on disk whatever this program does.
 */
export function warnPlaintextCredentials(setKeys: Iterable<string>): void {
    for (const warning of plaintextCredentialWarnings(setKeys, pulumi.getStack())) void pulumi.log.warn(warning);
}
