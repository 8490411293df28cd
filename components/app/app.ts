import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AppSettings } from "../config/app";
import { PullGrant } from "../contracts";
import { appConfigObjects } from "./appConfig";
import { autoscaler } from "./autoscale";
import { exposeApp } from "./exposure";
import { migrationJob } from "./migration";
import { appIngressPolicy } from "./networkPolicy";
import { appPodSpec } from "./podSpec";
import { appPort } from "./probes";

export interface AppArgs {
    settings: AppSettings;
    /** Digest reference of the app's image (`AppImage.ref`). */
    image: pulumi.Input<string>;
    /** Namespace to deploy into (`AppNamespace.name`). */
    namespace: pulumi.Input<string>;
    provider: k8s.Provider;
    /** Pull access the cluster applied for this namespace. */
    pull: PullGrant;
    /** secretEnv's values, as secrets (`ResolvedApp.secretValues`). */
    secretValues?: Record<string, pulumi.Output<string>>;
    /** `stevedore:networkPolicy`: give the app its allowFrom policy. */
    networkPolicy?: boolean;
}

/**
 * One app on the cluster: a Deployment pinned to an image digest with zero-downtime rolling
 * updates, its Secret and files, a migration Job it waits for, its Service (unless it is a worker),
 * a PodDisruptionBudget when it runs more than one replica, an autoscaler, a network policy and
 * optional public exposure.
 */
export class App extends pulumi.ComponentResource {
    /** Name of the Deployment (and of the Service). */
    public readonly deploymentName: pulumi.Output<string>;
    /** Image the pods run: `repo@sha256:…`. */
    public readonly image: pulumi.Output<string>;
    /** In-cluster URL: `http://<app>.<namespace>.svc.cluster.local:<port>`; undefined for a worker. */
    public readonly url: pulumi.Output<string> | undefined;
    /** Public URL when `expose` is `loadBalancer` or `ingress`. */
    public readonly externalUrl: pulumi.Output<string> | undefined;

    constructor(name: string, args: AppArgs, opts?: pulumi.ComponentResourceOptions) {
        super("stevedore:app:App", name, {}, opts);
        const { settings: app, provider } = args;
        const selector = { "app.kubernetes.io/name": app.name, "app.kubernetes.io/instance": name };
        const labels = { ...selector, "app.kubernetes.io/managed-by": "stevedore" };
        const childOpts = { parent: this, provider };
        const refs = appConfigObjects({
            app,
            secretValues: args.secretValues ?? {},
            namespace: args.namespace,
            labels,
            prefix: name,
            opts: childOpts,
        });
        const migration = migrationJob({
            app,
            image: args.image,
            imagePullSecrets: args.pull.imagePullSecrets,
            refs,
            namespace: args.namespace,
            labels,
            prefix: name,
            opts: { ...childOpts, dependsOn: args.pull.dependsOn },
        });

        const deployment = new k8s.apps.v1.Deployment(
            `${name}-deploy`,
            {
                metadata: {
                    name: app.name,
                    namespace: args.namespace,
                    labels,
                    // Tells readers (and the policy pack's replicas rule) who owns the count.
                    annotations:
                        app.autoscale === undefined
                            ? undefined
                            : { "stevedore.dev/autoscaled-by": `HorizontalPodAutoscaler/${app.name}` },
                },
                spec: {
                    // Autoscaled: the HPA owns the count, and a field we never set is one `up` never resets.
                    replicas: app.autoscale === undefined ? app.replicas : undefined,
                    selector: { matchLabels: selector },
                    // Never drop below the desired count while new pods come up.
                    strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
                    revisionHistoryLimit: 5,
                    template: {
                        metadata: { labels },
                        spec: appPodSpec({
                            app,
                            image: args.image,
                            imagePullSecrets: args.pull.imagePullSecrets,
                            refs,
                        }),
                    },
                },
            },
            {
                ...childOpts,
                // The new code rolls only after its migration succeeded.
                dependsOn: [...args.pull.dependsOn, ...(migration === undefined ? [] : [migration])],
                // A rollout that cannot finish (pull refused, readiness failing) fails the update after this long.
                customTimeouts: { create: `${app.rolloutTimeoutSeconds}s`, update: `${app.rolloutTimeoutSeconds}s` },
            },
        );

        // The budget follows the lowest count the app runs at: the replicas, or the autoscaler's min.
        if ((app.autoscale?.min ?? app.replicas) > 1) {
            new k8s.policy.v1.PodDisruptionBudget(
                `${name}-pdb`,
                {
                    metadata: { name: app.name, namespace: args.namespace, labels },
                    spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
                },
                childOpts,
            );
        }
        autoscaler(name, app, args.namespace, labels, deployment, childOpts);
        if (args.networkPolicy === true) appIngressPolicy(name, app, args.namespace, selector, childOpts);
        const exposure =
            appPort(app) === undefined
                ? { url: undefined, externalUrl: undefined }
                : exposeApp({ app, namespace: args.namespace, labels, selector, provider, parent: this, prefix: name });

        this.deploymentName = deployment.metadata.name;
        this.image = pulumi.output(args.image);
        this.url = exposure.url;
        this.externalUrl = exposure.externalUrl;
        this.registerOutputs({
            deploymentName: this.deploymentName,
            image: this.image,
            url: this.url,
            externalUrl: this.externalUrl,
        });
    }
}
