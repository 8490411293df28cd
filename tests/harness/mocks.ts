import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";

/** One resource the program registered, as the provider would have received it. */
export interface Registered {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
    /** Provider reference (`urn::id`) for resources created through an explicit provider. */
    provider?: string;
    id: string;
    state: Record<string, unknown>;
}

export interface MockOptions {
    /** Digest (64 hex) to report for an app's pushed image, keyed by the repository's last segment. */
    digests?: Record<string, string>;
    /** Extra per-type state, for cloud resources whose outputs the program reads. */
    state?: (type: string, name: string, inputs: Record<string, unknown>) => Record<string, unknown> | undefined;
    /** Results of provider functions (invokes), keyed by token. */
    calls?: Record<string, (inputs: Record<string, unknown>) => Record<string, unknown>>;
}

export const sha256 = (text: string): string => crypto.createHash("sha256").update(text).digest("hex");

function record(value: unknown): Record<string, unknown> {
    return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : {};
}

/** `repo:tag` -> `repo` (a port's colon is not a tag separator). */
export function repositoryOf(imageName: string): string {
    const slash = imageName.lastIndexOf("/");
    const colon = imageName.lastIndexOf(":");
    return colon > slash ? imageName.slice(0, colon) : imageName;
}

/** Values the real providers compute, so tests check real wiring and not `undefined`. */
function computedState(
    type: string,
    name: string,
    inputs: Record<string, unknown>,
    options: MockOptions,
): Record<string, unknown> {
    switch (type) {
        case "docker:index/image:Image": {
            const imageName = String(inputs.imageName);
            const repo = repositoryOf(imageName);
            const app = repo.split("/").pop() ?? repo;
            // The digest depends on what was pushed (the content-hash tag) unless a test pins it.
            const digest = options.digests?.[app] ?? sha256(`manifest:${imageName}`);
            const server = repo.split("/")[0];
            return {
                imageName,
                repoDigest: `${repo}@sha256:${digest}`,
                registryServer: server,
                platform: record(inputs.build).platform,
            };
        }
        case "docker-build:index:Image": {
            // docker-build reports the pushed digest alone; the program joins it to the repository.
            const tags = Array.isArray(inputs.tags) ? inputs.tags.map(String) : [];
            const first = tags[0] ?? "";
            const repo = repositoryOf(first);
            const app = repo.split("/").pop() ?? repo;
            const digest = options.digests?.[app] ?? sha256(`manifest:${first}`);
            return {
                digest: `sha256:${digest}`,
                ref: `${first}@sha256:${digest}`,
                contextHash: sha256(`context:${first}`),
            };
        }
        case "docker:index/remoteImage:RemoteImage":
            return {
                imageId: `sha256:${sha256(`image:${String(inputs.name)}`)}`,
                repoDigest: `${String(inputs.name)}@sha256:${sha256(String(inputs.name))}`,
            };
        case "docker:index/container:Container":
            return { name: inputs.name ?? name };
        default:
            return type.startsWith("kubernetes:") ? kubernetesState(type, name, inputs) : {};
    }
}

function kubernetesState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
    const metadata = { name, ...record(inputs.metadata) };
    if (type === "kubernetes:core/v1:Service" && record(inputs.spec).type === "LoadBalancer") {
        return { metadata, status: { loadBalancer: { ingress: [{ ip: "203.0.113.10" }] } } };
    }
    return { metadata };
}

/** Pulumi mocks that record every registration and invoke, returning realistic computed values. */
export class RecordingMocks implements pulumi.runtime.Mocks {
    public readonly resources: Registered[] = [];
    public readonly invokes: { token: string; inputs: Record<string, unknown> }[] = [];
    /** Registrations a mocked provider refused (its `state` threw), as the engine would report them. */
    public readonly refused: { type: string; name: string; message: string }[] = [];

    constructor(private readonly options: MockOptions = {}) {}

    newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
        const inputs = record(args.inputs);
        const state = {
            ...inputs,
            ...computedState(args.type, args.name, inputs, this.options),
            ...this.providerState(args.type, args.name, inputs),
        };
        const metadata = record(state.metadata);
        const namespace = typeof metadata.namespace === "string" ? metadata.namespace : "default";
        const id = typeof metadata.name === "string" ? `${namespace}/${metadata.name}` : `${args.name}-id`;
        this.resources.push({ type: args.type, name: args.name, inputs, provider: args.provider, id, state });
        return { id, state };
    }

    private providerState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
        try {
            return this.options.state?.(type, name, inputs) ?? {};
        } catch (error) {
            this.refused.push({ type, name, message: error instanceof Error ? error.message : String(error) });
            throw error;
        }
    }

    call(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
        const inputs = record(args.inputs);
        this.invokes.push({ token: args.token, inputs });
        const handler = this.options.calls?.[args.token];
        if (handler === undefined) throw new Error(`unmocked invoke ${args.token}`);
        return handler(inputs);
    }
}

/** The signature key the engine's wire format uses to mark a secret value. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_MARK = "1b47061264138c4ac30d75fd1eb44270";

/** Whether a recorded input value arrived at the provider marked as a secret. */
export function isSecret(value: unknown): boolean {
    return record(value)[SECRET_SIG] === SECRET_MARK;
}

/** The plain value inside a recorded secret; throws if the value was not marked secret. */
export function unsecret(value: unknown): unknown {
    if (!isSecret(value)) throw new Error(`expected a secret, got plain ${JSON.stringify(value)}`);
    return record(value).value;
}
