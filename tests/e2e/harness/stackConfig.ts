import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ROOT } from "./toolchain";

/** The base image the sample Dockerfiles build on in the e2e (tests/e2e/images.sh makes it). */
export const NODE_IMAGE = process.env.STEVEDORE_E2E_NODE_IMAGE ?? "stevedore-e2e/node:22";
export const REGISTRY_IMAGE = process.env.STEVEDORE_E2E_REGISTRY_IMAGE ?? "stevedore-e2e/registry:2";

type Config = Record<string, unknown>;
type AppEntry = Record<string, unknown>;

/** The shipped dev stack's config, as a user has it. */
export function devStackConfig(): Config {
    return (parse(fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8")) as { config: Config }).config;
}

/** The dev stack's apps, building on the test's own Node image instead of one from Docker Hub. */
export function devApps(): AppEntry[] {
    const apps = structuredClone(devStackConfig()["stevedore:apps"]) as AppEntry[];
    return apps.map((app) => ({ ...app, buildArgs: { ...((app.buildArgs as Record<string, string> | undefined) ?? {}), NODE_IMAGE } }));
}

export interface LocalStackOptions {
    kubeconfig: string;
    registryPort: number;
    registryContainer: string;
    username: string;
}

/**
 * The dev stack pointed at the test's cluster and registry: the same apps and target, with the
 * kubeconfig path and registry port of this run and a registry that requires credentials. The
 * password is set separately, as a secret.
 */
export function localStackConfig(options: LocalStackOptions): Config {
    return {
        "stevedore:target": "local",
        "stevedore:local": {
            kubeconfig: options.kubeconfig,
            registry: { port: options.registryPort, image: REGISTRY_IMAGE, containerName: options.registryContainer },
        },
        "stevedore:apps": devApps(),
        "stevedore:registryUsername": options.username,
    };
}
