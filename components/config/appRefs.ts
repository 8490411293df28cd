import * as pulumi from "@pulumi/pulumi";
import { AppSettings } from "./app";
import { configKeyIsSecret } from "./plaintext";
import { NAMESPACE } from "./raw";

/** `dbPassword` -> `stevedore:dbPassword`; `api:dbPassword` stays as it is. */
export function fullConfigKey(ref: string): string {
    return ref.includes(":") ? ref : `${NAMESPACE}:${ref}`;
}

/** Keys under `stevedore:` that some app's secretEnv names: accepted by the unknown-key check. */
export function secretEnvKeys(apps: unknown): string[] {
    if (!Array.isArray(apps)) return [];
    return apps.flatMap((app: unknown) => {
        const refs = app !== null && typeof app === "object" ? (app as { secretEnv?: unknown }).secretEnv : undefined;
        if (refs === null || typeof refs !== "object") return [];
        return Object.values(refs as Record<string, unknown>).filter(
            (ref): ref is string => typeof ref === "string" && !ref.includes(":"),
        );
    });
}

export interface AppFacts {
    apps: AppSettings[];
    renderDir?: string;
    networkPolicy: boolean;
    /** stevedore's own keys: a secretEnv may not borrow one (the registry password is no app's). */
    ownKeys: readonly string[];
}

/**
 * Rules between an app's keys and the rest of the stack: secretEnv keys set, secret and not
 * rendered in plain text; allowFrom naming apps that exist, and only with stevedore:networkPolicy.
 */
export function appReferenceProblems(facts: AppFacts): string[] {
    const problems: string[] = [];
    const names = new Set(facts.apps.map((a) => a.name));
    const config = pulumi.runtime.allConfig();
    facts.apps.forEach((app, i) => {
        const key = `${NAMESPACE}:apps[${i}]`;
        for (const [env, ref] of Object.entries(app.secretEnv)) {
            const full = fullConfigKey(ref);
            const at = `${key}.secretEnv.${env} = ${JSON.stringify(ref)}`;
            if (!ref.includes(":") && facts.ownKeys.includes(ref))
                problems.push(
                    `${at}: is one of stevedore's own keys; give the app its own key (pulumi config set --secret ${app.name}:${env.toLowerCase()} <value>)`,
                );
            else if (config[full] === undefined || config[full] === "")
                problems.push(`${at}: ${full} is not set; set it with \`pulumi config set --secret ${full} <value>\``);
            else if (configKeyIsSecret(full) === false)
                problems.push(
                    `${at}: ${full} is stored in plain text; re-set it with \`pulumi config set --secret ${full} <value>\` (and rotate it if the file was committed)`,
                );
        }
        if (facts.renderDir !== undefined && Object.keys(app.secretEnv).length > 0)
            problems.push(
                `${key}.secretEnv / ${NAMESPACE}:renderDir: render mode writes every manifest in plain text, secrets included; use envFrom of a Secret your secrets operator creates`,
            );
        for (const [j, from] of (app.allowFrom ?? []).entries()) {
            if (typeof from === "string" && from !== "*" && !names.has(from))
                problems.push(
                    `${key}.allowFrom[${j}] = ${JSON.stringify(from)}: is not an app of this stack; allowed: ${[...names].map((n) => JSON.stringify(n)).join(", ")}, {namespace: <name>} or "*"`,
                );
        }
        if (app.allowFrom !== undefined && !facts.networkPolicy)
            problems.push(
                `${key}.allowFrom / ${NAMESPACE}:networkPolicy: allowFrom only takes effect with stevedore:networkPolicy: true`,
            );
        if (facts.networkPolicy && app.expose !== "none" && app.allowFrom === undefined)
            problems.push(
                `${key}.expose = ${JSON.stringify(app.expose)} / ${NAMESPACE}:networkPolicy: an exposed app needs allowFrom under network policy, or its traffic is denied: name the ingress controller's namespace ({namespace: ingress-nginx}) or "*"`,
            );
    });
    return problems;
}

/** Each app's secret env values, read from the stack config as secrets. */
export function secretEnvValues(app: AppSettings): Record<string, pulumi.Output<string>> {
    const config = pulumi.runtime.allConfig();
    return Object.fromEntries(
        Object.entries(app.secretEnv).map(([env, ref]) => [env, pulumi.secret(config[fullConfigKey(ref)] ?? "")]),
    );
}
