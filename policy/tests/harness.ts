import { createRequire } from "module";
import { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";

export type Props = Record<string, unknown>;

/** The parts of @pulumi/policy's proxy module that the tests use; it ships no type declarations. */
interface ProxyModule {
    unknownCheckingProxy<T extends object>(props: T): T;
    unknownStringValue: string;
    unknownNumberValue: string;
    unknownArrayValue: string;
    unknownObjectValue: string;
}

// @pulumi/policy marks its proxy internal; the tests load it anyway so that props reach the
// policies exactly as the engine's analyzer hands them over, computed values included.
const proxy = createRequire(__filename)("@pulumi/policy/proxy") as ProxyModule;

/** Sentinels the engine sends for values it cannot know under `pulumi preview`. */
export const COMPUTED = {
    string: proxy.unknownStringValue,
    number: proxy.unknownNumberValue,
    array: proxy.unknownArrayValue,
    object: proxy.unknownObjectValue,
} as const;

/** ResourceValidationArgs as the analyzer builds them, with the props behind its unknown-checking proxy. */
export function validationArgs(
    type: string,
    props: Props,
    config: object = {},
    name = "backend",
): ResourceValidationArgs {
    return {
        type,
        props: proxy.unknownCheckingProxy(props),
        urn: `urn:pulumi:test::stevedore::${type}::${name}`,
        name,
        opts: {
            protect: false,
            ignoreChanges: [],
            aliases: [],
            customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
            additionalSecretOutputs: [],
        },
        stackTags: new Map(),
        isType: () => false,
        asType: () => undefined,
        getConfig: <T extends object>() => config as T,
        notApplicable: (reason?: string) => {
            throw new Error(`not applicable: ${reason ?? ""}`);
        },
    };
}

/** Runs every validation of `policy` on one resource and returns the violation messages it reported. */
export async function violations(
    policy: ResourceValidationPolicy,
    type: string,
    props: Props,
    config: object = {},
): Promise<string[]> {
    const messages: string[] = [];
    const record: ReportViolation = (message) => {
        messages.push(message);
    };
    const validations = policy.validateResource === undefined ? [] : [policy.validateResource].flat();
    for (const validate of validations) await validate(validationArgs(type, props, config), record);
    return messages;
}
