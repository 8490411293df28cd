import { ResourceValidationPolicy } from "@pulumi/policy";
import { read, readList, UNKNOWN } from "../lib/read";
import { containersOf, podSpecOf } from "../lib/workloads";

/**
 * Words that make an env var name look like it holds a credential, as whole `_`-separated parts
 * (so `SECRET_KEY_BASE` and `DB_PASSWORD` match, `PASSTHROUGH` and `TOKENIZER` do not).
 */
const SECRET_WORDS = /(^|_)(PASSWORD|PASSWD|PWD|SECRET|TOKEN|APIKEY|API_KEY|PRIVATE_KEY|CREDENTIALS?|ACCESS_KEY)(_|$)/i;
/** Names that point at a secret rather than hold it: a mounted file, a path, a URL, a Secret's name. */
const REFERENCE_SUFFIX = /_(FILE|PATH|URL|URI|ENDPOINT|NAME|REF|ID)$/i;

/** Whether an env var of this name reads like a credential. */
export function looksSecret(name: string): boolean {
    return SECRET_WORDS.test(name) && !REFERENCE_SUFFIX.test(name);
}

/**
 * An env var named like a credential never carries a plain `value`: that value sits in plain text
 * in the workload's manifest, in the state and in every rendered file. It comes through
 * `valueFrom.secretKeyRef` (stevedore's `secretEnv`) or `envFrom` of a Secret instead.
 */
export const noPlainSecretEnv: ResourceValidationPolicy = {
    name: "no-plain-secret-env",
    description:
        "Env vars named like credentials (PASSWORD, TOKEN, SECRET, API_KEY, ...) come from a Secret, never a plain value.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        for (const container of containersOf(podSpecOf(args))) {
            const env = readList(container.spec, "env");
            if (env === UNKNOWN) continue;
            for (const entry of env) {
                const name = read(entry, "name");
                const value = read(entry, "value");
                if (typeof name !== "string" || !looksSecret(name)) continue;
                // A computed value may come from anywhere; only a known plain string is judged.
                if (typeof value === "string" && value.length > 0)
                    reportViolation(
                        `${container.label}: env ${name} has a plain value; give it through a Secret (stevedore: apps[].secretEnv with \`pulumi config set --secret\`, or envFrom of an existing Secret)`,
                    );
            }
        }
    },
};
