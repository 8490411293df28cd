import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";

/**
 * A stack-config problem. It extends RunError so the Pulumi CLI prints the message alone, without
 * a stack trace: the user needs the key and the fix, not our call graph.
 */
export class ConfigError extends pulumi.RunError {
    constructor(public readonly problems: string[]) {
        super(`Invalid stack config (nothing was created):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "ConfigError";
        // The engine formats the stack of every uncaught error even when it prints only the
        // message; through the TypeScript source maps that took 25 s of a 29 s failing preview.
        this.stack = `${this.name}: ${this.message}`;
    }
}

type Path = ReadonlyArray<PropertyKey>;

/** Renders a path inside a config key the way users write it: `stevedore:apps[1].replicas`. */
export function keyName(root: string, path: Path): string {
    return path.reduce<string>(
        (acc, part) => (typeof part === "number" ? `${acc}[${part}]` : `${acc}.${String(part)}`),
        root,
    );
}

function valueAt(value: unknown, path: Path): unknown {
    let current: unknown = value;
    for (const part of path) {
        if (current === null || typeof current !== "object") return undefined;
        current = (current as Record<PropertyKey, unknown>)[part];
    }
    return current;
}

function show(value: unknown): string {
    if (value === undefined) return "nothing (the key is missing)";
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Unwraps optional/default/nullable wrappers so we can look at the object or array inside. */
function unwrap(schema: z.ZodType): z.ZodType {
    let current: z.ZodType = schema;
    for (;;) {
        if (current instanceof z.ZodOptional || current instanceof z.ZodNullable)
            current = current.unwrap() as z.ZodType;
        else if (current instanceof z.ZodDefault || current instanceof z.ZodPrefault)
            current = current.unwrap() as z.ZodType;
        else if (current instanceof z.ZodPipe) current = current.in as z.ZodType;
        else return current;
    }
}

/** The keys an object schema accepts at `path`, used to say what is allowed next to an unknown key. */
export function allowedKeysAt(schema: z.ZodType, path: Path): string[] {
    let current = unwrap(schema);
    for (const part of path) {
        if (current instanceof z.ZodArray) current = unwrap(current.element as z.ZodType);
        else if (current instanceof z.ZodObject) current = unwrap(current.shape[String(part)] as z.ZodType);
        else if (current instanceof z.ZodRecord) current = unwrap(current.valueType as z.ZodType);
        else return [];
        if (current === undefined) return [];
    }
    return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}

/**
 * Params of a custom issue about a rule between keys rather than one value: it is reported as
 * `<key>: <message>`, with no value echoed, under `key` (which may name keys outside the schema's root).
 */
export interface RuleParams {
    rule: string;
}

function ruleKey(issue: z.core.$ZodIssue): string | undefined {
    const params: unknown = issue.code === "custom" ? issue.params : undefined;
    if (params === null || typeof params !== "object" || !("rule" in params)) return undefined;
    return typeof params.rule === "string" ? params.rule : undefined;
}

/** One line per zod issue, each naming the key, the value found and what is allowed. */
export function describeIssues(root: string, schema: z.ZodType, input: unknown, issues: z.core.$ZodIssue[]): string[] {
    return issues.flatMap((issue) => {
        const rule = ruleKey(issue);
        if (rule !== undefined) return [`${rule}: ${issue.message}`];
        if (issue.code === "unrecognized_keys") {
            const allowed = allowedKeysAt(schema, issue.path).join(", ");
            return issue.keys.map((key) => {
                const path = [...issue.path, key];
                return `${keyName(root, path)} = ${show(valueAt(input, path))}: unknown key; allowed keys here: ${allowed}`;
            });
        }
        const key = keyName(root, issue.path);
        return [`${key} = ${show(valueAt(input, issue.path))}: ${allowedText(issue)}`];
    });
}

/** How a user would say the expected type. */
const TYPE_NAMES: Record<string, string> = {
    object: "a map",
    array: "a list",
    int: "a whole number",
    number: "a number",
    boolean: "true or false",
};

function allowedText(issue: z.core.$ZodIssue): string {
    switch (issue.code) {
        case "invalid_value":
            return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
        case "invalid_type":
            return `must be ${TYPE_NAMES[issue.expected] ?? `a ${issue.expected}`}`;
        case "too_small":
            return issue.origin === "array"
                ? `must list at least ${String(issue.minimum)} item(s)`
                : issue.origin === "string"
                  ? `must have at least ${String(issue.minimum)} character(s)`
                  : `must be >= ${String(issue.minimum)}`;
        case "too_big":
            return issue.origin === "string"
                ? `must have at most ${String(issue.maximum)} character(s)`
                : `must be <= ${String(issue.maximum)}`;
        case "invalid_key":
            // A map's key that its schema refuses (an env var name, a file path): say what the key must be.
            return `the key ${JSON.stringify(String(issue.path[issue.path.length - 1]))} ${issue.issues.map((i) => i.message).join("; ")}`;
        default:
            return issue.message;
    }
}
