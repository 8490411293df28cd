import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EksConnection } from "./kubeconfig";

/** Who `aws eks get-token` runs as, and where: the part of a connection that comes from settings. */
export type EksIdentity = Pick<EksConnection, "region" | "profile" | "roleArn">;

/** Looks up an existing EKS cluster by name; fails clearly while it has no endpoint yet. */
export function existingEksCluster(
    name: string,
    identity: EksIdentity,
    opts: pulumi.InvokeOutputOptions,
): pulumi.Output<EksConnection> {
    return aws.eks.getClusterOutput({ name }, opts).apply((c) => {
        const ca = c.certificateAuthorities[0]?.data;
        if (ca === undefined || c.endpoint === "")
            throw new pulumi.ResourceError(
                `EKS cluster ${name} in ${identity.region} has no endpoint yet (status ${c.status}); wait until it is ACTIVE`,
                opts.parent,
            );
        return { ...identity, clusterName: c.name, endpoint: c.endpoint, certificateAuthority: ca };
    });
}
