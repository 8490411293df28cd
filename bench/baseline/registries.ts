import * as docker from "@pulumi/docker";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** The one registry and the one Kubernetes connection a bare program needs on a target. */
export interface BaselineTarget {
    /** Repository (no tag) that holds `app`'s image. */
    repository(app: string): pulumi.Output<string>;
    /** Push credentials, when the registry needs them. */
    credentials?: pulumi.Output<{ server: string; username: string; password: string }>;
    provider: k8s.ProviderArgs;
}

// Static connection details: a bare program has no cluster lookup, so the baseline pays for none.
const KUBECONFIG = pulumi.secret(
    "apiVersion: v1\nkind: Config\nclusters:\n- cluster: {server: https://203.0.113.5}\n  name: bench\n",
);
const pushAuth = (server: pulumi.Output<string>) =>
    pulumi.secret(server.apply((s) => ({ server: s, username: "bench", password: "bench-password" })));

/** A registry:2 container on the developer's machine, like the local target's. */
function local(): BaselineTarget {
    const image = new docker.RemoteImage("registry-image", { name: "registry:2", keepLocally: true });
    const container = new docker.Container("registry-container", {
        name: "stevedore-registry",
        image: image.imageId,
        ports: [{ internal: 5000, external: 5001, ip: "127.0.0.1" }],
        networksAdvanced: [{ name: "kind" }],
    });
    const server = container.name.apply(() => "localhost:5001");
    return { repository: (app) => pulumi.interpolate`${server}/${app}`, provider: { context: "kind-stevedore" } };
}

// Cloud SDKs load lazily so a target pays only for its own cloud, as stevedore's targets do.
async function aks(): Promise<BaselineTarget> {
    const containerregistry = await import("@pulumi/azure-native/containerregistry");
    const acr = new containerregistry.Registry("registry-acr", {
        resourceGroupName: "rg-stevedore-prod",
        registryName: "stevedorebench",
        sku: { name: "Standard" },
        adminUserEnabled: false,
    });
    return {
        repository: (app) => pulumi.interpolate`${acr.loginServer}/${app}`,
        credentials: pushAuth(acr.loginServer),
        provider: { kubeconfig: KUBECONFIG },
    };
}

/** ECR holds one repository per image, so a bare program creates one per app too. */
async function eks(apps: string[]): Promise<BaselineTarget> {
    const aws = await import("@pulumi/aws");
    const urls = new Map(
        apps.map((app) => [
            app,
            new aws.ecr.Repository(`registry-${app}`, { name: app, imageTagMutability: "IMMUTABLE" }).repositoryUrl,
        ]),
    );
    const server = pulumi.output("123456789012.dkr.ecr.us-east-1.amazonaws.com");
    return {
        repository: (app) => urls.get(app) ?? pulumi.output(`${app}-unknown`),
        credentials: pushAuth(server),
        provider: { kubeconfig: KUBECONFIG },
    };
}

async function gke(): Promise<BaselineTarget> {
    const gcp = await import("@pulumi/gcp");
    const repo = new gcp.artifactregistry.Repository("registry-repo", {
        project: "acme-shop-prod",
        location: "europe-west4",
        repositoryId: "apps",
        format: "DOCKER",
    });
    const server = pulumi.output("europe-west4-docker.pkg.dev");
    return {
        repository: (app) => pulumi.interpolate`${repo.registryUri}/${app}`,
        credentials: pushAuth(server),
        provider: { kubeconfig: KUBECONFIG },
    };
}

export async function baselineTarget(target: string, apps: string[]): Promise<BaselineTarget> {
    switch (target) {
        case "local":
            return local();
        case "aks":
            return aks();
        case "eks":
            return eks(apps);
        case "gke":
            return gke();
        default:
            throw new Error(`baseline: unknown target ${target}`);
    }
}
