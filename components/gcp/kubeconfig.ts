/** What a kubeconfig needs to reach a GKE cluster's control plane. */
export interface GkeEndpoint {
    project: string;
    location: string;
    name: string;
    /** Control-plane address as GKE reports it: an IP or host, without scheme. */
    endpoint: string;
    /** Base64 PEM of the cluster CA (`masterAuth.clusterCaCertificate`), as GKE reports it. */
    caCertificate: string;
}

export const AUTH_PLUGIN = "gke-gcloud-auth-plugin";

const INSTALL_HINT = [
    `${AUTH_PLUGIN} is needed to reach GKE clusters. Install it with:`,
    `  gcloud components install ${AUTH_PLUGIN}`,
    `or, where gcloud came from apt: sudo apt-get install google-cloud-cli-gke-gcloud-auth-plugin`,
].join("\n");

/**
 * A kubeconfig (JSON, which every kubeconfig reader accepts) for a GKE cluster. Credentials come
 * from `gke-gcloud-auth-plugin` at each request, so no token is stored in it or in the state.
 */
export function gkeKubeconfig(c: GkeEndpoint): string {
    // The name gcloud itself uses, so contexts from `gcloud container clusters get-credentials` match.
    const id = `gke_${c.project}_${c.location}_${c.name}`;
    return JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [
            { name: id, cluster: { server: `https://${c.endpoint}`, "certificate-authority-data": c.caCertificate } },
        ],
        users: [
            {
                name: id,
                user: {
                    exec: {
                        apiVersion: "client.authentication.k8s.io/v1beta1",
                        command: AUTH_PLUGIN,
                        installHint: INSTALL_HINT,
                        provideClusterInfo: true,
                        interactiveMode: "Never",
                    },
                },
            },
        ],
        contexts: [{ name: id, context: { cluster: id, user: id } }],
        "current-context": id,
    });
}
