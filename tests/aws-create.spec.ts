import * as assert from "assert";
import { ACCOUNT, awsMocks, caData, eksEndpoint, eksExampleConfig, providerName } from "./harness/awsMocks";
import { Registered, unsecret } from "./harness/mocks";
import { ProgramRun, runProgram } from "./harness/program";
import { withConfig } from "./harness/stacks";

const ATTACH = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const EKS = "aws:eks/cluster:Cluster";

function createStack(cluster: Record<string, unknown> = {}) {
    return withConfig(
        eksExampleConfig(),
        (c) => ((c["stevedore:aws"] as Record<string, unknown>).cluster = { mode: "create", name: "shop", ...cluster }),
    );
}

function deps(run: ProgramRun, name: string): string[] {
    return run.dependsOn.get(name) ?? [];
}

function trust(role: Registered): unknown {
    return JSON.parse(String(role.inputs.assumeRolePolicy));
}

describe("eks target: create a cluster", () => {
    let run: ProgramRun;
    before(async () => {
        run = await runProgram(createStack(), awsMocks());
    });

    it("creates a VPC with an internet gateway, a public route and two public subnets in two zones", () => {
        const vpc = run.get("aws:ec2/vpc:Vpc", "cluster-new-net-vpc").inputs;
        assert.strictEqual(vpc.cidrBlock, "10.0.0.0/16");
        assert.strictEqual(vpc.enableDnsHostnames, true);
        assert.strictEqual(
            run.get("aws:ec2/internetGateway:InternetGateway", "cluster-new-net-igw").inputs.vpcId,
            "cluster-new-net-vpc-id",
        );
        assert.deepStrictEqual(run.get("aws:ec2/routeTable:RouteTable", "cluster-new-net-public").inputs.routes, [
            { cidrBlock: "0.0.0.0/0", gatewayId: "cluster-new-net-igw-id" },
        ]);
        const subnets = run.ofType("aws:ec2/subnet:Subnet");
        assert.deepStrictEqual(
            subnets.map((s) => [
                s.inputs.availabilityZone,
                s.inputs.cidrBlock,
                s.inputs.mapPublicIpOnLaunch,
                s.inputs.vpcId,
            ]),
            [
                ["us-east-1a", "10.0.0.0/18", true, "cluster-new-net-vpc-id"],
                ["us-east-1b", "10.0.64.0/18", true, "cluster-new-net-vpc-id"],
            ],
        );
        const associations = run.ofType("aws:ec2/routeTableAssociation:RouteTableAssociation");
        assert.deepStrictEqual(
            associations.map((a) => [a.inputs.subnetId, a.inputs.routeTableId]),
            [
                ["cluster-new-net-public-0-id", "cluster-new-net-public-id"],
                ["cluster-new-net-public-1-id", "cluster-new-net-public-id"],
            ],
        );
        for (const r of [...subnets, ...associations]) assert.strictEqual(providerName(r.provider), "target-aws");
    });

    it("creates the cluster role and node role with the AWS-managed policies they need", () => {
        const clusterRole = run.get("aws:iam/role:Role", "cluster-new-roles-cluster");
        assert.deepStrictEqual(trust(clusterRole), {
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { Service: "eks.amazonaws.com" },
                    Action: ["sts:AssumeRole", "sts:TagSession"],
                },
            ],
        });
        const nodeRole = run.get("aws:iam/role:Role", "cluster-new-roles-node");
        assert.deepStrictEqual(trust(nodeRole), {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: ["sts:AssumeRole"] }],
        });
        const byRole = (role: string) =>
            run
                .ofType(ATTACH)
                .filter((a) => a.inputs.role === role && a.name !== "cluster-pull")
                .map((a) => a.inputs.policyArn);
        assert.deepStrictEqual(byRole(String(clusterRole.state.name)), [
            "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
        ]);
        assert.deepStrictEqual(byRole(String(nodeRole.state.name)), [
            "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
            "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
            "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
        ]);
    });

    it("creates the EKS cluster on those subnets, with the default version, after its role's policy", () => {
        const cluster = run.get(EKS, "cluster-new-eks");
        assert.strictEqual(cluster.inputs.name, "shop");
        assert.strictEqual(cluster.inputs.version, "1.34");
        assert.strictEqual(
            cluster.inputs.roleArn,
            String(run.get("aws:iam/role:Role", "cluster-new-roles-cluster").state.arn),
        );
        const vpcConfig = cluster.inputs.vpcConfig as { subnetIds: string[]; endpointPublicAccess: boolean };
        assert.deepStrictEqual(vpcConfig.subnetIds, ["cluster-new-net-public-0-id", "cluster-new-net-public-1-id"]);
        assert.strictEqual(vpcConfig.endpointPublicAccess, true);
        assert.deepStrictEqual(cluster.inputs.accessConfig, {
            authenticationMode: "API",
            bootstrapClusterCreatorAdminPermissions: true,
        });
        assert.ok(deps(run, "cluster-new-eks").includes("cluster-new-roles-cluster-AmazonEKSClusterPolicy"));
        assert.ok(
            deps(run, "cluster-new-eks").includes("cluster-new-net-public-0-routes"),
            "the cluster waits until its subnets are routed",
        );
    });

    it("creates a node group sized by config defaults, after every node policy", () => {
        const nodes = run.get(NODE_GROUP, "cluster-new-nodes");
        assert.deepStrictEqual(nodes.inputs.scalingConfig, { minSize: 1, desiredSize: 2, maxSize: 3 });
        assert.deepStrictEqual(nodes.inputs.instanceTypes, ["t3.medium"]);
        assert.strictEqual(nodes.inputs.clusterName, "shop");
        assert.strictEqual(
            nodes.inputs.nodeRoleArn,
            `arn:aws:iam::${ACCOUNT}:role/${String(run.get("aws:iam/role:Role", "cluster-new-roles-node").state.name)}`,
        );
        assert.deepStrictEqual(nodes.inputs.subnetIds, ["cluster-new-net-public-0-id", "cluster-new-net-public-1-id"]);
        for (const policy of [
            "AmazonEKSWorkerNodePolicy",
            "AmazonEKS_CNI_Policy",
            "AmazonEC2ContainerRegistryPullOnly",
        ]) {
            assert.ok(
                deps(run, "cluster-new-nodes").includes(`cluster-new-roles-node-${policy}`),
                `node group must wait for ${policy}`,
            );
        }
    });

    it("grants the registry's ECR read policy to the new node role; Deployments wait for it", () => {
        const grant = run.get(ATTACH, "cluster-pull");
        assert.strictEqual(grant.inputs.role, run.get("aws:iam/role:Role", "cluster-new-roles-node").state.name);
        assert.strictEqual(grant.inputs.policyArn, "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly");
        for (const app of ["backend", "frontend"]) assert.ok(deps(run, `${app}-deploy`).includes("cluster-pull"));
        assert.ok(!run.retainOnDelete.has("cluster-pull"), "stevedore's own node role goes on destroy, its grant too");
    });

    it("connects to the new cluster only once its nodes have joined", () => {
        const provider = run.get("pulumi:providers:kubernetes", "cluster-k8s");
        const config = JSON.parse(String(unsecret(provider.inputs.kubeconfig))) as {
            clusters: { cluster: { server: string; "certificate-authority-data": string } }[];
            users: { user: { exec: { args: string[] } } }[];
        };
        assert.strictEqual(config.clusters[0].cluster.server, eksEndpoint("shop", "us-east-1"));
        assert.strictEqual(config.clusters[0].cluster["certificate-authority-data"], caData("shop"));
        assert.deepStrictEqual(config.users[0].user.exec.args, [
            "eks",
            "get-token",
            "--cluster-name",
            "shop",
            "--region",
            "us-east-1",
        ]);
        assert.ok(
            deps(run, "cluster-k8s").includes("cluster-new-nodes"),
            "Kubernetes objects must wait for the node group",
        );
    });

    it("uses every AWS resource through the one explicit provider of the target's setup", () => {
        const awsResources = run.resources.filter((r) => r.type.startsWith("aws:"));
        assert.ok(awsResources.length >= 18);
        for (const r of awsResources)
            assert.match(
                r.provider ?? "",
                /::stevedore:aws:Setup\$pulumi:providers:aws::target-aws::target-aws-id$/,
                `${r.type} ${r.name}`,
            );
    });

    it("uses given subnets, version and node group sizes instead of creating a network", async () => {
        const subnets = ["subnet-0a1b2c3d4e5f67890", "subnet-0f9e8d7c6b5a43210"];
        const custom = withConfig(
            createStack({
                subnetIds: subnets,
                version: "1.33",
                nodeGroup: { instanceTypes: ["m7g.large"], minSize: 2, desiredSize: 3, maxSize: 6 },
            }),
            (c) => (c["stevedore:platform"] = "linux/arm64"),
        );
        const fresh = awsMocks();
        const other = await runProgram(custom, fresh);
        assert.deepStrictEqual(other.ofType("aws:ec2/vpc:Vpc"), []);
        assert.deepStrictEqual(other.ofType("aws:ec2/subnet:Subnet"), []);
        assert.deepStrictEqual(fresh.invokes("aws:index/getAvailabilityZones:getAvailabilityZones"), []);
        assert.deepStrictEqual(
            (other.get(EKS, "cluster-new-eks").inputs.vpcConfig as { subnetIds: string[] }).subnetIds,
            subnets,
        );
        assert.strictEqual(other.get(EKS, "cluster-new-eks").inputs.version, "1.33");
        const nodes = other.get(NODE_GROUP, "cluster-new-nodes").inputs;
        assert.deepStrictEqual(nodes.subnetIds, subnets);
        assert.deepStrictEqual(nodes.instanceTypes, ["m7g.large"]);
        assert.deepStrictEqual(nodes.scalingConfig, { minSize: 2, desiredSize: 3, maxSize: 6 });
    });
});

describe("eks target: cluster version and support", () => {
    it("upgrades the node group with the control plane when cluster.version changes", async () => {
        const before = await runProgram(createStack({ version: "1.33" }), awsMocks());
        const after = await runProgram(createStack({ version: "1.34" }), awsMocks());
        assert.strictEqual(before.get(NODE_GROUP, "cluster-new-nodes").inputs.version, "1.33");
        assert.strictEqual(after.get(NODE_GROUP, "cluster-new-nodes").inputs.version, "1.34");
        assert.ok(deps(after, "cluster-new-nodes").includes("cluster-new-eks"), "nodes follow the control plane");
    });

    it("sets the support type explicitly, STANDARD unless cluster.supportType says EXTENDED", async () => {
        const standard = await runProgram(createStack(), awsMocks());
        assert.deepStrictEqual(standard.get(EKS, "cluster-new-eks").inputs.upgradePolicy, { supportType: "STANDARD" });
        const extended = await runProgram(createStack({ supportType: "EXTENDED" }), awsMocks());
        assert.deepStrictEqual(extended.get(EKS, "cluster-new-eks").inputs.upgradePolicy, { supportType: "EXTENDED" });
    });
});

describe("eks target: create a cluster on Graviton nodes", () => {
    it("gives a Graviton node group EKS's ARM AMI type and builds arm64 images; x86 groups keep EKS's default", async () => {
        const arm = withConfig(createStack({ nodeGroup: { instanceTypes: ["m7g.large", "c7gn.xlarge"] } }), (c) => {
            c["stevedore:platform"] = "linux/arm64";
        });
        const run = await runProgram(arm, awsMocks());
        assert.strictEqual(run.get(NODE_GROUP, "cluster-new-nodes").inputs.amiType, "AL2023_ARM_64_STANDARD");
        const image = run.get("docker:index/image:Image", "backend-image").inputs.build as Record<string, unknown>;
        assert.strictEqual(image.platform, "linux/arm64");
        const x86 = await runProgram(
            createStack({ nodeGroup: { instanceTypes: ["t3.large", "g5.xlarge", "m7i.large"] } }),
            awsMocks(),
        );
        assert.strictEqual(
            x86.get(NODE_GROUP, "cluster-new-nodes").inputs.amiType,
            undefined,
            "an amiType added to an existing x86 group would force a new node group",
        );
    });
});

describe("eks target: create a cluster with cluster.authRoleArn", () => {
    const role = `arn:aws:iam::${ACCOUNT}:role/eks-deployer`;

    /**
     * EKS's authorizer in authenticationMode API: a principal may call the Kubernetes API if it
     * created the cluster (bootstrapClusterCreatorAdminPermissions) or has an access entry with an
     * access policy associated.
     */
    function authorized(run: ProgramRun, principal: string | undefined): boolean {
        const bootstrap = run.get(EKS, "cluster-new-eks").inputs.accessConfig as Record<string, unknown>;
        if (principal === undefined) return bootstrap.bootstrapClusterCreatorAdminPermissions === true;
        const entry = run.ofType("aws:eks/accessEntry:AccessEntry").some((e) => e.inputs.principalArn === principal);
        const policy = run
            .ofType("aws:eks/accessPolicyAssociation:AccessPolicyAssociation")
            .some((a) => a.inputs.principalArn === principal);
        return entry && policy;
    }

    it("gives the role the kubeconfig assumes a cluster-admin access entry, and connects only after it", async () => {
        const run = await runProgram(createStack({ authRoleArn: role }), awsMocks());
        const kubeconfig = JSON.parse(
            String(unsecret(run.get("pulumi:providers:kubernetes", "cluster-k8s").inputs.kubeconfig)),
        ) as { users: { user: { exec: { args: string[] } } }[] };
        const args = kubeconfig.users[0].user.exec.args;
        const assumed = args[args.indexOf("--role-arn") + 1];
        assert.strictEqual(assumed, role);
        assert.ok(authorized(run, assumed), `${assumed} has no access entry: every Kubernetes call is Unauthorized`);
        const association = run.get(
            "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
            "cluster-new-auth-role-admin",
        ).inputs;
        assert.strictEqual(association.policyArn, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy");
        assert.deepStrictEqual(association.accessScope, { type: "cluster" });
        assert.strictEqual(association.clusterName, "shop");
        assert.ok(deps(run, "cluster-k8s").includes("cluster-new-auth-role-admin"));
    });

    it("makes no access entry without authRoleArn: the creator's bootstrap entry is the one used", async () => {
        const run = await runProgram(createStack(), awsMocks());
        assert.deepStrictEqual(run.ofType("aws:eks/accessEntry:AccessEntry"), []);
        assert.ok(authorized(run, undefined));
    });
});
