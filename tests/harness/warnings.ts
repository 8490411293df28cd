import * as pulumi from "@pulumi/pulumi";

/** Replaces pulumi.log.warn with a recorder until `stop` is called. */
export function captureWarnings(): { warnings: string[]; stop: () => void } {
    const warnings: string[] = [];
    const original = pulumi.log.warn;
    pulumi.log.warn = (message: string) => {
        warnings.push(message);
        return Promise.resolve();
    };
    return { warnings, stop: () => (pulumi.log.warn = original) };
}

/** Runs `body` with pulumi.log.warn captured; returns its result and every warning, in order. */
export async function withWarnings<T>(body: () => Promise<T> | T): Promise<{ result: T; warnings: string[] }> {
    const capture = captureWarnings();
    try {
        return { result: await body(), warnings: capture.warnings };
    } finally {
        capture.stop();
    }
}
