import * as pulumi from "@pulumi/pulumi";

/** Runs `body` with pulumi.log.warn captured; returns its result and every warning, in order. */
export async function withWarnings<T>(body: () => Promise<T> | T): Promise<{ result: T; warnings: string[] }> {
    const warnings: string[] = [];
    const original = pulumi.log.warn;
    pulumi.log.warn = (message: string) => {
        warnings.push(message);
        return Promise.resolve();
    };
    try {
        return { result: await body(), warnings };
    } finally {
        pulumi.log.warn = original;
    }
}
