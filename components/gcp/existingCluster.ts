import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { GkeConnection } from "./handles";
import { ClusterSettings } from "./settings";

type ExistingSettings = Extract<ClusterSettings, { mode: "existing" }>;
type ClusterInfo = gcp.container.GetClusterResult;

/** The service account GKE reports for a cluster's nodes; `default` means the Compute Engine default account. */
function reportedNodeServiceAccount(c: ClusterInfo): string {
    const standard = c.nodeConfigs[0]?.serviceAccount;
    // Autopilot clusters have no node config; their nodes use the auto-provisioning defaults.
    const autopilot = c.clusterAutoscalings[0]?.autoProvisioningDefaults[0]?.serviceAccount;
    return standard || autopilot || "default";
}

/** The account each node pool runs as (`default` for the Compute Engine default account). */
function poolServiceAccounts(c: ClusterInfo): string[] {
    return c.nodePools.map((p) => p.nodeConfigs[0]?.serviceAccount || "default");
}

/** Looks up an existing GKE cluster and the service accounts its nodes pull images as. */
export function existingGkeCluster(
    project: string,
    location: string,
    cfg: ExistingSettings,
    opts: pulumi.InvokeOutputOptions,
): GkeConnection {
    const where = `${project}/${location}/${cfg.name}`;
    const info = gcp.container.getClusterOutput({ project, location, name: cfg.name }, opts).apply((c) => {
        if (!c.endpoint)
            throw new pulumi.ResourceError(
                `GKE cluster ${where} has no control-plane endpoint yet (is it still being created?)`,
                opts.parent,
            );
        if (c.masterAuths[0]?.clusterCaCertificate === undefined)
            throw new pulumi.ResourceError(`GKE cluster ${where} reports no cluster CA certificate`, opts.parent);
        return c;
    });

    const configured = cfg.nodeServiceAccount;
    let defaultAccount: pulumi.Output<string> | undefined;
    const computeDefault = () =>
        (defaultAccount ??= gcp.organizations
            .getProjectOutput({ projectId: project }, opts)
            .number.apply((n) => `${n}-compute@developer.gserviceaccount.com`));
    // `default` means the Compute Engine default account, named after the project number.
    const resolve = (account: string) => (account === "default" ? computeDefault() : pulumi.output(account));
    const nodeServiceAccount =
        configured !== undefined
            ? info.apply(() => configured)
            : info.apply((c) => resolve(reportedNodeServiceAccount(c)));
    // The cluster's nodeConfig is only its first pool's: every pool may run as an account of its own.
    const otherNodeServiceAccounts =
        configured !== undefined
            ? pulumi.output<string[]>([])
            : info.apply((c) =>
                  pulumi
                      .all([nodeServiceAccount, ...poolServiceAccounts(c).map(resolve)])
                      .apply(([first, ...pools]) => [...new Set(pools)].filter((a) => a !== first)),
              );

    return {
        project,
        location,
        name: info.name,
        endpoint: info.endpoint,
        caCertificate: info.apply((c) => c.masterAuths[0]?.clusterCaCertificate ?? ""),
        nodeServiceAccount,
        otherNodeServiceAccounts,
    };
}
