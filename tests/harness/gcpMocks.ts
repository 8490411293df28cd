import { MockOptions, RecordingMocks } from "./mocks";
import { TestConfig } from "./program";
import { stackConfig, withConfig } from "./stacks";

export const PROJECT = "acme-shop-prod";
export const PROJECT_NUMBER = "412536987001";
/** What `gcloud auth print-access-token` returns: an opaque `ya29.` OAuth token. */
export const ACCESS_TOKEN = "ya29.a0AfB_byD3xT9kQm2Lr7vW1nHc8sPz4YuE0gJ6oN5bKfRiA-stevedore-test-token";
export const CLUSTER_ENDPOINT = "34.118.97.15";
export const EXISTING_ENDPOINT = "35.202.14.88";
/** GKE reports the cluster CA base64-encoded, as kubeconfigs want it. */
export const CLUSTER_CA = Buffer.from(
    "-----BEGIN CERTIFICATE-----\nMIIELTCCApWgAwIBAgIRAJx2gke+created+cluster+ca\n-----END CERTIFICATE-----\n",
).toString("base64");
export const EXISTING_CA = Buffer.from(
    "-----BEGIN CERTIFICATE-----\nMIIELDCCApSgAwIBAgIQbT3gke+existing+cluster+ca\n-----END CERTIFICATE-----\n",
).toString("base64");
export const EXISTING_NODE_SA = `gke-nodes@${PROJECT}.iam.gserviceaccount.com`;

/** The dev stack's apps, on the gke target with `gcp` as the `stevedore:gcp` settings. */
export function gkeStack(
    gcp: Record<string, unknown>,
    edit: (c: Record<string, unknown>) => void = () => undefined,
): TestConfig {
    return withConfig(stackConfig("dev"), (c) => {
        c["stevedore:target"] = "gke";
        delete c["stevedore:local"];
        c["stevedore:gcp"] = gcp;
        edit(c);
    });
}

export interface GcpMockOptions {
    /** Node service account the existing cluster's lookup reports (`default` = Compute Engine default). */
    existingNodeSa?: string;
    /** Autopilot: no node config, the account sits in the auto-provisioning defaults. */
    autopilot?: boolean;
    /** Format of the existing repository the lookup finds. */
    repositoryFormat?: string;
    /** Service account of each node pool of the existing cluster (`default`: Compute Engine default); one pool on `existingNodeSa` unless set. */
    poolAccounts?: string[];
}

const str = (v: unknown): string => String(v);

/** Computed state of GCP resources, shaped like what the Google provider returns. */
function gcpState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> | undefined {
    switch (type) {
        case "gcp:artifactregistry/repository:Repository":
            return {
                name: `projects/${str(inputs.project)}/locations/${str(inputs.location)}/repositories/${str(inputs.repositoryId)}`,
                registryUri: `${str(inputs.location)}-docker.pkg.dev/${str(inputs.project)}/${str(inputs.repositoryId)}`,
                mode: "STANDARD_REPOSITORY",
                createTime: "2025-01-14T09:21:33.512Z",
            };
        case "gcp:serviceaccount/account:Account": {
            const email = `${str(inputs.accountId)}@${str(inputs.project)}.iam.gserviceaccount.com`;
            return {
                email,
                member: `serviceAccount:${email}`,
                uniqueId: "104766359412378865541",
                name: `projects/${str(inputs.project)}/serviceAccounts/${email}`,
            };
        }
        case "gcp:container/cluster:Cluster":
            return {
                endpoint: CLUSTER_ENDPOINT,
                masterAuth: {
                    clusterCaCertificate: CLUSTER_CA,
                    clientCertificateConfig: { issueClientCertificate: false },
                },
                selfLink: `https://container.googleapis.com/v1/projects/${str(inputs.project)}/locations/${str(inputs.location)}/clusters/${str(inputs.name)}`,
                masterVersion: "1.33.5-gke.1308000",
            };
        case "gcp:container/nodePool:NodePool":
            return {
                instanceGroupUrls: [
                    `https://www.googleapis.com/compute/v1/projects/${str(inputs.project)}/zones/europe-west4-a/instanceGroupManagers/gke-${name}-grp`,
                ],
            };
        case "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember":
            return { etag: "BwYl7c9hKxQ=" };
        default:
            return undefined;
    }
}

/** Mock options answering every GCP invoke the target makes, with realistic values. */
export function gcpMocks(options: GcpMockOptions = {}): MockOptions {
    return {
        state: gcpState,
        calls: {
            "gcp:organizations/getClientConfig:getClientConfig": () => ({
                id: "2025-01-14 09:21:33",
                accessToken: ACCESS_TOKEN,
                project: PROJECT,
                region: "europe-west4",
                zone: "",
                defaultLabels: {},
            }),
            "gcp:organizations/getProject:getProject": (inputs) => ({
                id: `projects/${str(inputs.projectId)}`,
                projectId: inputs.projectId,
                number: PROJECT_NUMBER,
                name: str(inputs.projectId),
            }),
            "gcp:artifactregistry/getRepository:getRepository": (inputs) => ({
                id: `projects/${str(inputs.project)}/locations/${str(inputs.location)}/repositories/${str(inputs.repositoryId)}`,
                name: `projects/${str(inputs.project)}/locations/${str(inputs.location)}/repositories/${str(inputs.repositoryId)}`,
                project: inputs.project,
                location: inputs.location,
                repositoryId: inputs.repositoryId,
                format: options.repositoryFormat ?? "DOCKER",
                mode: "STANDARD_REPOSITORY",
                registryUri: `${str(inputs.location)}-docker.pkg.dev/${str(inputs.project)}/${str(inputs.repositoryId)}`,
            }),
            "gcp:container/getCluster:getCluster": (inputs) => ({
                id: `projects/${str(inputs.project)}/locations/${str(inputs.location)}/clusters/${str(inputs.name)}`,
                name: inputs.name,
                location: inputs.location,
                project: inputs.project,
                endpoint: EXISTING_ENDPOINT,
                masterAuths: [
                    {
                        clusterCaCertificate: EXISTING_CA,
                        clientCertificate: "",
                        clientKey: "",
                        clientCertificateConfigs: [],
                    },
                ],
                nodeConfigs: options.autopilot
                    ? []
                    : [{ serviceAccount: options.existingNodeSa ?? EXISTING_NODE_SA, machineType: "e2-standard-4" }],
                clusterAutoscalings: options.autopilot
                    ? [
                          {
                              enabled: true,
                              autoProvisioningDefaults: [
                                  { serviceAccount: options.existingNodeSa ?? EXISTING_NODE_SA },
                              ],
                          },
                      ]
                    : [{ enabled: false, autoProvisioningDefaults: [] }],
                nodePools: options.autopilot
                    ? []
                    : (options.poolAccounts ?? [options.existingNodeSa ?? EXISTING_NODE_SA]).map((sa, i) => ({
                          name: i === 0 ? "default-pool" : `pool-${i}`,
                          nodeConfigs: [{ serviceAccount: sa, machineType: "e2-standard-4" }],
                      })),
                enableAutopilot: options.autopilot ?? false,
            }),
        },
    };
}

export interface RecordedInvoke {
    token: string;
    provider?: string;
    inputs: Record<string, unknown>;
}

/** Records the provider each invoke was made through (the harness records only token and inputs). */
export function recordInvokeProviders(): { calls: RecordedInvoke[]; restore: () => void } {
    const calls: RecordedInvoke[] = [];
    // Taken off the prototype on purpose: the wrapper calls it with the mocks instance as `this`.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const original = RecordingMocks.prototype.call;
    RecordingMocks.prototype.call = function (this: RecordingMocks, args) {
        calls.push({ token: args.token, provider: args.provider, inputs: args.inputs as Record<string, unknown> });
        return original.call(this, args);
    };
    return { calls, restore: () => (RecordingMocks.prototype.call = original) };
}
