import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface EksNetworkArgs {
    /** Name of the EKS cluster the network is for; used in Name tags. */
    clusterName: string;
    region: string;
    provider: aws.Provider;
}

/** Address plan: a /16 for the VPC, a /18 per subnet (the VPC CNI gives every pod a VPC address). */
const VPC_CIDR = "10.0.0.0/16";
const SUBNET_CIDRS = ["10.0.0.0/18", "10.0.64.0/18"];

/** EKS needs subnets in two different availability zones; this picks the i-th zone AWS lists. */
function zoneAt(names: string[], index: number, region: string, network: pulumi.Resource): string {
    const zone = names[index];
    if (names.length < SUBNET_CIDRS.length || zone === undefined) {
        throw new pulumi.ResourceError(
            `region ${region} lists ${names.length} usable availability zone(s); EKS needs two. Give stevedore:aws.cluster.subnetIds instead`,
            network,
        );
    }
    return zone;
}

/**
 * The smallest network a new EKS cluster works in: a VPC, an internet gateway, one public route
 * table and two public subnets in two zones. Nodes get public addresses so they reach the EKS
 * endpoint and ECR without a NAT gateway (which would cost more than the nodes of a small cluster).
 */
export class EksNetwork extends pulumi.ComponentResource {
    /** Id of the VPC. */
    public readonly vpcId: pulumi.Output<string>;
    /** Ids of the two public subnets, one per availability zone; resolved once each subnet is routed. */
    public readonly subnetIds: pulumi.Output<string>[];

    constructor(name: string, args: EksNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("stevedore:aws:Network", name, {}, opts);
        const childOpts = { parent: this, provider: args.provider };
        const tags = (suffix: string) => ({ Name: `${args.clusterName}-${suffix}`, "managed-by": "stevedore" });

        const vpc = new aws.ec2.Vpc(
            `${name}-vpc`,
            { cidrBlock: VPC_CIDR, enableDnsSupport: true, enableDnsHostnames: true, tags: tags("vpc") },
            childOpts,
        );
        const gateway = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: tags("igw") }, childOpts);
        const routes = new aws.ec2.RouteTable(
            `${name}-public`,
            { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: gateway.id }], tags: tags("public") },
            childOpts,
        );

        // Zones that need no opt-in (Local Zones and Wavelength zones cannot host EKS control-plane subnets).
        const zones = aws.getAvailabilityZonesOutput(
            { state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] },
            childOpts,
        );
        this.subnetIds = SUBNET_CIDRS.map((cidrBlock, i) => {
            const subnet = new aws.ec2.Subnet(
                `${name}-public-${i}`,
                {
                    vpcId: vpc.id,
                    cidrBlock,
                    availabilityZone: zones.names.apply((names) => zoneAt(names, i, args.region, this)),
                    mapPublicIpOnLaunch: true,
                    // Lets the AWS load balancer integration place internet-facing load balancers here.
                    tags: { ...tags(`public-${i}`), "kubernetes.io/role/elb": "1" },
                },
                childOpts,
            );
            const association = new aws.ec2.RouteTableAssociation(
                `${name}-public-${i}-routes`,
                { subnetId: subnet.id, routeTableId: routes.id },
                childOpts,
            );
            // An id that carries the association: nodes started in a subnet without its internet route never join.
            return pulumi.all([subnet.id, association.id]).apply(([id]) => id);
        });
        this.vpcId = vpc.id;
        this.registerOutputs({ vpcId: this.vpcId, subnetIds: this.subnetIds });
    }
}
