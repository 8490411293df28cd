/**
 * A value the engine cannot know yet. Under `pulumi preview`, inputs that depend on outputs of
 * resources not yet created (an image digest before the push, say) are computed; @pulumi/policy
 * hands them to policies behind a proxy that throws when such a value is read.
 */
export const UNKNOWN: unique symbol = Symbol("unknown");
export type Unknown = typeof UNKNOWN;

/**
 * Reads `obj[key]` without letting a computed value abort the whole policy: a read that throws
 * yields UNKNOWN, so the policy skips that one check ("cannot judge yet") and goes on with the
 * rest of the resource. Reading a key of plain JSON data cannot throw any other way.
 */
export function read(obj: unknown, key: string | number): unknown {
    if (obj === UNKNOWN) return UNKNOWN;
    if (typeof obj !== "object" || obj === null) return undefined;
    try {
        return (obj as Record<string | number, unknown>)[key];
    } catch {
        return UNKNOWN;
    }
}

/** Follows a path of keys; UNKNOWN as soon as one step is computed, undefined when one is missing. */
export function readPath(obj: unknown, path: readonly (string | number)[]): unknown {
    return path.reduce<unknown>((value, key) => read(value, key), obj);
}

/** The elements of a list field: UNKNOWN when the whole list is computed, [] when it is absent. */
export function readList(obj: unknown, key: string): unknown[] | Unknown {
    const list = read(obj, key);
    if (list === UNKNOWN) return UNKNOWN;
    if (!Array.isArray(list)) return [];
    const length = read(list, "length");
    if (typeof length !== "number") return UNKNOWN;
    return Array.from({ length }, (_, i) => read(list, i));
}
