import * as pulumi from "@pulumi/pulumi";

/** The part of an Output the SDK keeps off its public type: whether its value will be known in this run. */
interface KnownFlag {
    isKnown: Promise<boolean>;
}

/**
 * The value of `output` when this run will know it (always during `up`; in a preview, not for a
 * resource that does not exist yet). Lets the program choose which resources to register from a
 * value instead of registering resources inside an apply, which a preview would not show.
 */
export async function settled<T>(output: pulumi.Output<T>): Promise<{ known: true; value: T } | { known: false }> {
    const known = await (output as unknown as KnownFlag).isKnown;
    if (!known) return { known: false };
    const value = await new Promise<T>((resolve) => {
        output.apply((v) => {
            resolve(v);
            return v;
        });
    });
    return { known: true, value };
}
