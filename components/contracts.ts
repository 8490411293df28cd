import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** Username and password for one registry server. Always carried inside a secret Output. */
export interface RegistryCredentials {
    server: string;
    username: string;
    password: string;
}

/**
 * A cloud IAM grant: plain data naming what a cluster of the same `cloud` grants its node identity
 * so it can pull. One shape per cloud, so the compiler checks what each cluster's grant receives.
 */
export type IamPull =
    | {
          kind: "iamGrant";
          cloud: "aws";
          /** AWS-managed policy to attach to the node role. */
          policyArn: pulumi.Input<string>;
          /** ARNs of the app repositories the grant is for. */
          repositoryArns: pulumi.Input<string>[];
      }
    | {
          kind: "iamGrant";
          cloud: "azure";
          /** Full id of the role definition (AcrPull) to assign to the kubelet identity. */
          roleDefinitionId: pulumi.Input<string>;
          /** ARM id of the registry: the scope of the assignment. */
          registryId: pulumi.Input<string>;
      }
    | {
          kind: "iamGrant";
          cloud: "gcp";
          /** Role to give the nodes' service account on the repository. */
          role: string;
          project: pulumi.Input<string>;
          location: pulumi.Input<string>;
          repositoryId: pulumi.Input<string>;
      };

/** The clouds whose registries hand out IAM grants. */
export type IamCloud = IamPull["cloud"];
/** The grant of one cloud. */
export type IamPullOf<C extends IamCloud> = Extract<IamPull, { cloud: C }>;

/**
 * What a cluster needs before it can pull from a registry:
 * - `anonymous`: nothing (a registry the nodes reach without credentials);
 * - `pullSecret`: a `kubernetes.io/dockerconfigjson` Secret in each namespace, named in imagePullSecrets;
 * - `iamGrant`: a cloud role for the cluster's node identity; only a cluster of the same `cloud` can apply it.
 */
export type PullAccess =
    { kind: "anonymous" } | { kind: "pullSecret"; credentials: pulumi.Output<RegistryCredentials> } | IamPull;

/** The registry contract: every target's registry component implements it. */
export interface Registry {
    /** Host (and port) that `docker push` talks to, e.g. `myacr.azurecr.io` or `localhost:5001`. */
    readonly server: pulumi.Output<string>;
    /** Credentials for pushing, as a secret Output; undefined when the registry takes anonymous pushes. */
    readonly pushCredentials: pulumi.Output<RegistryCredentials> | undefined;
    /** What a cluster must be given to pull from this registry. */
    readonly pullAccess: PullAccess;
    /**
     * True for a plain-HTTP registry (the local target's, `stevedore:registry` with `insecure: true`).
     * The Docker engine decides that on its own; a client of the registry's API, such as the
     * promotion's digest check, must be told to use http://.
     */
    readonly plainHttp: boolean;
    /** Full repository name (no tag, no digest) that holds `app`'s images. */
    repository(app: string): pulumi.Output<string>;
}

/** What the App component needs from a cluster once pull access has been applied to a namespace. */
export interface PullGrant {
    /** Resources the workloads must wait for (a role assignment, a pull Secret), so a first rollout never races them. */
    dependsOn: pulumi.Resource[];
    /** Names of pull Secrets to list in the pod spec's imagePullSecrets; empty when none is needed. */
    imagePullSecrets: pulumi.Output<string>[];
}

/** The cluster contract: every target's cluster component implements it. */
export interface Cluster {
    /** Provider for every Kubernetes object stevedore creates on this cluster. */
    readonly provider: k8s.Provider;
    /** Applies `access` for workloads in `namespace` and says what those workloads must reference or wait for. */
    grantPull(access: PullAccess, namespace: pulumi.Output<string>): PullGrant;
}

/** Inputs every registry implementation receives. */
export interface RegistryArgs {
    /** App names that need a repository. */
    apps: string[];
    /** Username/password from `stevedore:registryUsername` / `stevedore:registryPassword`, when set. */
    auth?: { username: string; password: pulumi.Output<string> };
    /** Read-only username/password from `stevedore:pullUsername` / `stevedore:pullPassword`, for the cluster's pull Secret. */
    pullAuth?: { username: string; password: pulumi.Output<string> };
}

/** Inputs every cluster implementation receives. */
export interface ClusterArgs {
    /** When set, manifests are written to this directory instead of being applied (GitOps render mode). */
    renderDir?: string;
    /** Inline kubeconfig contents from `stevedore:kubeconfig`, as a secret; config parsing allows it only with a cluster kind that reads it. */
    kubeconfig?: pulumi.Output<string>;
}

/**
 * What a target folder's index module exports. `setup` runs once per stack, before either factory,
 * and makes what registry and cluster share (a cloud provider, a resource group), parented to a
 * component of its own; both factories get its result `T`. A target with nothing to share returns
 * its settings (`T` = `S`).
 */
export interface TargetModule<S, T> {
    setup(name: string, settings: S, opts?: pulumi.ComponentResourceOptions): T;
    createRegistry(
        name: string,
        args: RegistryArgs,
        target: T,
        opts?: pulumi.ComponentResourceOptions,
    ): Registry & pulumi.Resource;
    createCluster(
        name: string,
        args: ClusterArgs,
        target: T,
        opts?: pulumi.ComponentResourceOptions,
    ): Cluster & pulumi.Resource;
}

/** The registry and cluster factories of a stack, once its target's setup has run. */
export interface TargetFactories {
    createRegistry(
        name: string,
        args: RegistryArgs,
        opts?: pulumi.ComponentResourceOptions,
    ): Registry & pulumi.Resource;
    createCluster(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions): Cluster & pulumi.Resource;
}

/** A target whose settings have been validated and whose module is loaded: set it up, then build. */
export interface BoundTarget {
    setup(name: string, opts?: pulumi.ComponentResourceOptions): TargetFactories;
}

export type RegistryFactory = TargetFactories["createRegistry"];
export type ClusterFactory = TargetFactories["createCluster"];

/** Facts from other stack keys that a target's or a kind's settings rules depend on. */
export interface SettingsContext {
    /** Names of the apps in `stevedore:apps` (those that parsed). */
    apps: string[];
    /** The target's own registry is used: no `stevedore:registry` block replaces it. */
    targetRegistry: boolean;
    /** `stevedore:registryUsername` / `registryPassword` are set. */
    pushAuth: boolean;
    /** `stevedore:pullUsername` / `pullPassword` are set. */
    pullAuth: boolean;
    /** `stevedore:kubeconfig` (inline contents) is set. */
    inlineKubeconfig: boolean;
    /** Directory that relative paths in settings are resolved against. */
    projectDir: string;
    /** The platforms each app's image is built for, with the key that decides them (`stevedore:platform` or the app's own). */
    platforms: { key: string; platforms: string[] }[];
}
