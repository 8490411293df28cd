import { CLUSTER_COMPONENT, REGISTRY_COMPONENT } from "./components/aliases";
import { App } from "./components/app/app";
import { AppNamespace } from "./components/app/namespace";
import { checkNamespaceOwner } from "./components/app/namespaceOwner";
import { namespaceScopedPreflight } from "./components/kube/access/scoped";
import { loadConfig } from "./components/config/load";
import { historiesFrom, nextHistory, previousOutputs } from "./components/image/history";
import { readPromotion } from "./components/image/promote";
import { appImageRef } from "./components/image/source";
import { renderModePull } from "./components/kube/renderedPull";

/** The stevedore program: config, target setup, registry, cluster, apps, outputs. */
export = async () => {
    // 1. Config: parsed and validated before anything is registered.
    const config = loadConfig();
    // The digests this stack ran before, from its own last outputs (for rollbacks). This read comes
    // first, alone: on the file backend, reading a stack's checkpoint while the same update writes
    // it can fail ("failed to load checkpoint: EOF"), and every step of an update writes it. The
    // root Stack's step has completed (and saved) before this function runs, so nothing writes now.
    const previous = await previousOutputs();
    const histories = historiesFrom(previous);
    // Flipping stevedore:namespaceScoped on a deployed stack would delete or adopt its namespace.
    checkNamespaceOwner(previous, config);
    // Next, before anything else is registered: an app missing from the promotion's source stack
    // fails here, with only the reads done.
    const promoted =
        config.promoteFrom === undefined
            ? undefined
            : await readPromotion(
                  config.promoteFrom,
                  config.apps.filter((a) => a.image === undefined).map((a) => a.name),
              );

    // 2. Target: the registry and cluster implementations for `stevedore:target`, or the
    //    `stevedore:registry` / `stevedore:cluster` kinds that replace either half. Its setup
    //    makes, once, what both halves share (a cloud provider, a resource group).
    const target = (await config.bindTarget()).setup("target");

    // 3. Registry: one repository per app.
    const registry = target.createRegistry(REGISTRY_COMPONENT, {
        apps: config.apps.map((a) => a.name),
        auth: config.registryAuth,
        pullAuth: config.pullAuth,
    });

    // 4. Cluster: a Kubernetes provider (or a renderer), and pull access to the registry.
    const cluster = target.createCluster(CLUSTER_COMPONENT, {
        renderDir: config.renderDir,
        kubeconfig: config.kubeconfig,
    });
    // Namespace-scoped: the deployer's grants in the namespace are checked before anything is made there.
    if (config.namespaceScoped) await namespaceScopedPreflight(config, cluster.provider, registry.pullAccess);
    const namespace = new AppNamespace("namespace", {
        name: config.namespace,
        provider: cluster.provider,
        defaultDenyIngress: config.networkPolicy,
        existing: config.namespaceScoped,
    });
    // In render mode a pull Secret would be written to disk with its password: it is named, not rendered.
    const pull =
        config.renderDir === undefined
            ? cluster.grantPull(registry.pullAccess, namespace.name)
            : renderModePull(cluster, registry.pullAccess, namespace.name);

    // 5. Apps: each image pinned, promoted from another stack, or built and pushed; deployed by
    //    digest, each with its history of digests, current first.
    const apps = await Promise.all(
        config.apps.map(async (settings, i) => {
            const image = await appImageRef(settings, i, { registry, promoted, buildOnPreview: config.buildOnPreview });
            const app = new App(settings.name, {
                settings,
                image,
                namespace: namespace.name,
                provider: cluster.provider,
                pull,
                secretValues: settings.secretValues,
                networkPolicy: config.networkPolicy,
            });
            const history = image.apply((ref) => nextHistory(ref, histories.get(settings.name) ?? []));
            return [settings.name, { image, url: app.url, externalUrl: app.externalUrl, history }] as const;
        }),
    );

    // 6. Outputs.
    return {
        target: config.target,
        registry: registry.server,
        namespace: namespace.name,
        // Only when on, so existing stacks' outputs stay as they were; read back by checkNamespaceOwner.
        ...(config.namespaceScoped ? { namespaceScoped: true } : {}),
        apps: Object.fromEntries(apps),
        // Only in render mode: an undefined output makes the CLI warn on every preview and up.
        ...(config.renderDir === undefined ? {} : { renderedTo: config.renderDir }),
    };
};
