import type { Measurement } from "./spec";
import { parseSpec, RESULT_PREFIX } from "./spec";

/**
 * One measured run, in a fresh process: node builtins and ./spec only are loaded before the clock
 * starts, so both programs pay for the SDKs, the mocks and their own modules in the same way.
 * Usage: node child.js '<ChildSpec JSON>'; prints one `BENCH_RESULT {…}` line.
 */
async function main(): Promise<void> {
    const spec = parseSpec(process.argv[2]);
    const start = performance.now();

    // SDK phase: the same modules for both programs, then the mocks and the stack config.
    const { SDK_MODULES, stackConfig, targetMocks } = await import("./targets");
    for (const name of SDK_MODULES[spec.target]) await import(name);
    const pulumi = await import("@pulumi/pulumi");
    const { RecordingMocks } = await import("../tests/harness/mocks");
    const { resolveDeep } = await import("../tests/harness/program");
    const mocks = new RecordingMocks(targetMocks(spec.target));
    await pulumi.runtime.setMocks(mocks, "stevedore", "bench", false);
    pulumi.runtime.setAllConfig(stackConfig(spec.target, spec.n, spec.appsDir));
    const programStart = performance.now();

    // Program phase: import, run, resolve the outputs and wait for every registration.
    const program =
        spec.program === "stevedore"
            ? (await import("../index")).default
            : (await import("./baseline/program")).default;
    await resolveDeep(await program());
    await pulumi.runtime.disconnect();
    const end = performance.now();

    const count = (type: string) => mocks.resources.filter((r) => r.type === type).length;
    const result: Measurement = {
        wallMs: end - start,
        sdkMs: programStart - start,
        programMs: end - programStart,
        peakRssMb: process.resourceUsage().maxRSS / 1024,
        resources: mocks.resources.length,
        images: count("docker:index/image:Image"),
        deployments: count("kubernetes:apps/v1:Deployment"),
        services: count("kubernetes:core/v1:Service"),
    };
    process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

// An error inside an apply surfaces as an unhandled rejection: a failed run must not look like a fast one.
process.on("unhandledRejection", (reason) => {
    console.error("unhandled rejection:", reason);
    process.exit(1);
});
main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
});
