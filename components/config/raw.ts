import * as pulumi from "@pulumi/pulumi";

/** The config namespace every stevedore key lives in. */
export const NAMESPACE = "stevedore";

/**
 * Every `stevedore:*` key of the stack, objects decoded from the JSON the engine hands us. An empty
 * value is the project file's default for an optional key (the CLI insists every declared key has
 * a value), so it counts as not set.
 */
export function rawConfig(): Map<string, unknown> {
    const raw = new Map<string, unknown>();
    for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
        if (!key.startsWith(`${NAMESPACE}:`) || isEmpty(value)) continue;
        raw.set(key.slice(NAMESPACE.length + 1), decode(value));
    }
    return raw;
}

function isEmpty(value: string): boolean {
    const trimmed = value.trim();
    return trimmed === "" || trimmed === "{}";
}

function decode(value: string): unknown {
    const trimmed = value.trim();
    if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return value;
    try {
        return JSON.parse(trimmed) as unknown;
    } catch {
        return value;
    }
}
