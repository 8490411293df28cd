import { CLUSTER_COMPONENT, REGISTRY_COMPONENT } from "./components/aliases";
import { App } from "./components/app/app";
import { AppNamespace } from "./components/app/namespace";
import { loadConfig } from "./components/config/load";
import { AppImage } from "./components/image/appImage";

/** The stevedore program: config, target setup, registry, cluster, apps, outputs. */
export = async () => {
    // 1. Config: parsed and validated before anything is registered.
    const config = loadConfig();

    // 2. Target: the registry and cluster implementations for `stevedore:target`, or the
    //    `stevedore:registry` / `stevedore:cluster` kinds that replace either half. Its setup
    //    makes, once, what both halves share (a cloud provider, a resource group).
    const target = (await config.bindTarget()).setup("target");

    // 3. Registry: one repository per app.
    const registry = target.createRegistry(REGISTRY_COMPONENT, { apps: config.apps.map((a) => a.name), auth: config.registryAuth, pullAuth: config.pullAuth });

    // 4. Cluster: a Kubernetes provider (or a renderer), and pull access to the registry.
    const cluster = target.createCluster(CLUSTER_COMPONENT, { renderDir: config.renderDir, kubeconfig: config.kubeconfig });
    const namespace = new AppNamespace("namespace", { name: config.namespace, provider: cluster.provider });
    const pull = cluster.grantPull(registry.pullAccess, namespace.name);

    // 5. Apps: build and push each image, then deploy it by digest.
    const apps = config.apps.map((settings) => {
        const image = new AppImage(settings.name, {
            context: settings.context,
            dockerfile: settings.dockerfilePath,
            buildArgs: settings.buildArgs,
            target: settings.buildTarget,
            platform: settings.platform,
            cacheFrom: settings.cacheFrom,
            repository: registry.repository(settings.name),
            credentials: registry.pushCredentials,
        });
        const app = new App(settings.name, { settings, image: image.ref, namespace: namespace.name, provider: cluster.provider, pull });
        return [settings.name, { image: image.ref, url: app.url, externalUrl: app.externalUrl }] as const;
    });

    // 6. Outputs.
    return {
        target: config.target,
        registry: registry.server,
        namespace: namespace.name,
        apps: Object.fromEntries(apps),
        // Only in render mode: an undefined output makes the CLI warn on every preview and up.
        ...(config.renderDir === undefined ? {} : { renderedTo: config.renderDir }),
    };
};

