import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { MockOptions, RecordingMocks, Registered } from "./mocks";

/** Stack config as a test writes it: values are encoded the way the engine hands them to the program. */
export type TestConfig = Record<string, unknown>;

export interface ProgramRun {
    outputs: Record<string, unknown>;
    /** The outputs as the program returned them (Outputs unresolved, secrets still marked). */
    rawOutputs: Record<string, unknown>;
    resources: Registered[];
    /** Registrations a mocked provider refused, with its error (the engine would fail the update on each). */
    refused: RecordingMocks["refused"];
    /** Registered resources of one type token. */
    ofType(type: string): Registered[];
    /** The one resource of `type` named `name`; throws if missing. */
    get(type: string, name: string): Registered;
    /** Dependencies each resource was registered with, by resource name. */
    dependsOn: Map<string, string[]>;
    /** The `ignoreChanges` each resource was registered with, by resource name. */
    ignoreChanges: Map<string, string[]>;
    /** Names of the resources registered with `retainOnDelete`: `pulumi destroy` leaves them in the cloud. */
    retainOnDelete: Set<string>;
}

/** Resolves every Output inside `value` (deeply), the way the engine would before saving outputs. */
export async function resolveDeep(value: unknown): Promise<unknown> {
    if (pulumi.Resource.isInstance(value)) return value;
    if (pulumi.Output.isInstance(value)) {
        const inner = await new Promise<unknown>((resolve) => value.apply((v) => resolve(v)));
        return resolveDeep(inner);
    }
    if (Array.isArray(value)) return Promise.all(value.map(resolveDeep));
    if (value !== null && typeof value === "object") {
        const entries = await Promise.all(
            Object.entries(value).map(async ([k, v]) => [k, await resolveDeep(v)] as const),
        );
        return Object.fromEntries(entries);
    }
    return value;
}

/** `config` as the engine hands it to the program: `stevedore:`-prefixed keys, maps and lists as JSON text. */
export function encodeConfig(config: TestConfig): Record<string, string> {
    return Object.fromEntries(
        Object.entries(config).map(([key, value]) => [
            key.includes(":") ? key : `stevedore:${key}`,
            typeof value === "string" ? value : JSON.stringify(value),
        ]),
    );
}

/**
 * Runs the real program (index.ts) under Pulumi mocks with `config` as the stack config, waits
 * for every registration to finish and returns what reached the providers.
 */
export async function runProgram(
    config: TestConfig,
    options: MockOptions = {},
    secretKeys: string[] = [],
): Promise<ProgramRun> {
    return run(new RecordingMocks(options), config, secretKeys);
}

/** A program run that must fail: the error it failed with, and what it registered before failing. */
export interface FailedRun {
    error: Error;
    resources: Registered[];
}

/** The message of a run that failed with a config error and registered nothing; fails the test otherwise. */
export function configErrorOf({ error, resources }: FailedRun): string {
    assert.strictEqual(error.name, "ConfigError", `expected a ConfigError, got ${error.stack ?? error.message}`);
    assert.deepStrictEqual(
        resources.map((r) => `${r.type} ${r.name}`),
        [],
        "a bad config must register nothing",
    );
    return error.message;
}

/** Runs the program expecting it to throw; fails the test if it succeeds. */
export async function runFailing(
    config: TestConfig,
    options: MockOptions = {},
    secretKeys: string[] = [],
): Promise<FailedRun> {
    const mocks = new RecordingMocks(options);
    // An error thrown inside an apply does not reject the program's promise: the engine sees it as
    // an unhandled rejection and fails the update. Catch it the same way.
    let onUnhandled: ((reason: unknown) => void) | undefined;
    const unhandled = new Promise<never>((_, reject) => {
        onUnhandled = reject;
        process.on("unhandledRejection", reject);
    });
    try {
        await Promise.race([run(mocks, config, secretKeys), unhandled]);
    } catch (error) {
        return { error: error instanceof Error ? error : new Error(String(error)), resources: mocks.resources };
    } finally {
        if (onUnhandled !== undefined) process.off("unhandledRejection", onUnhandled);
    }
    throw new Error("the program succeeded, but this config should have been rejected");
}

/** Secret keys as the engine lists them (`stevedore:registryPassword`). */
export function fullKeys(keys: string[]): string[] {
    return keys.map((k) => (k.includes(":") ? k : `stevedore:${k}`));
}

/**
 * Runs the program on mocks the caller holds, so it can read what was registered even when the run
 * fails. `entry` is another module exporting the program (the compiled bin/index.js), index.ts by default.
 */
export async function run(
    mocks: RecordingMocks,
    config: TestConfig,
    secretKeys: string[],
    entry?: string,
): Promise<ProgramRun> {
    await pulumi.runtime.setMocks(mocks, "stevedore", "test", false);
    pulumi.runtime.setAllConfig(encodeConfig(config), fullKeys(secretKeys));

    const { dependsOn, ignoreChanges, retainOnDelete } = recordDependencies();

    // Imported here, after the mocks, because the program module loads the SDKs.
    const loaded = (entry === undefined ? await import("../../index") : await import(entry)) as { default: unknown };
    const program = loaded.default as () => Promise<Record<string, unknown>>;
    const rawOutputs = record(await program());
    const outputs = record(await resolveDeep(rawOutputs));
    await pulumi.runtime.disconnect();

    const resources = mocks.resources;
    return {
        outputs,
        rawOutputs,
        resources,
        refused: mocks.refused,
        dependsOn,
        ignoreChanges,
        retainOnDelete,
        ofType: (type) => resources.filter((r) => r.type === type),
        get: (type, name) => {
            const found = resources.find((r) => r.type === type && r.name === name);
            if (found === undefined)
                throw new Error(
                    `no ${type} named ${name}; have: ${resources.map((r) => `${r.type} ${r.name}`).join(", ")}`,
                );
            return found;
        },
    };
}

/** The slice of the mock monitor we wrap: each registration request and the URNs it depends on. */
interface RegisterRequest {
    getName(): string;
    getDependenciesList(): string[];
    getIgnorechangesList(): string[];
    getRetainondelete(): boolean;
}
interface MonitorWithRegister {
    registerResource(req: RegisterRequest, callback: unknown): Promise<void>;
}

/**
 * Records each resource's dependencies (explicit dependsOn and those implied by its inputs), its
 * ignoreChanges and its retainOnDelete by name. The mocks API does not pass them on, so the in-process mock monitor
 * is wrapped instead.
 */
function recordDependencies(): Pick<ProgramRun, "dependsOn" | "ignoreChanges" | "retainOnDelete"> {
    const dependsOn = new Map<string, string[]>();
    const ignoreChanges = new Map<string, string[]>();
    const retainOnDelete = new Set<string>();
    const monitor = pulumi.runtime.getMonitor() as unknown as MonitorWithRegister | undefined;
    if (monitor === undefined) throw new Error("mocks are not installed");
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, callback) => {
        dependsOn.set(
            req.getName(),
            req.getDependenciesList().map((urn) => urn.split("::").pop() ?? urn),
        );
        ignoreChanges.set(req.getName(), req.getIgnorechangesList());
        if (req.getRetainondelete()) retainOnDelete.add(req.getName());
        return register(req, callback);
    };
    return { dependsOn, ignoreChanges, retainOnDelete };
}

function record(value: unknown): Record<string, unknown> {
    return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : {};
}
