import * as assert from "assert";
import { awsMocks, eksExampleConfig } from "./harness/awsMocks";
import { configErrorOf, runFailing, runProgram } from "./harness/program";
import { withConfig } from "./harness/stacks";

const eks = eksExampleConfig();

/** Runs `config`, expects a config error, checks nothing was registered and returns the message. */
async function rejected(config: Record<string, unknown>, secretKeys: string[] = []): Promise<string> {
    return configErrorOf(await runFailing(config, awsMocks({ clusters: ["myCluster"] }), secretKeys));
}

/** The example stack with `edit` applied to its `stevedore:aws` block. */
function aws(edit: (settings: Record<string, unknown>) => void) {
    return withConfig(eks, (c) => edit(c["stevedore:aws"] as Record<string, unknown>));
}

function cluster(settings: Record<string, unknown>): Record<string, unknown> {
    return settings.cluster as Record<string, unknown>;
}

describe("eks target: config", () => {
    it("accepts the example stack file as shipped", async () => {
        const run = await runProgram(eks, awsMocks({ clusters: ["myCluster"] }));
        assert.strictEqual(run.outputs.target, "eks");
    });

    it("accepts the example switched to mode: create the way eks.md's quickstart says (nodeRoleName removed), and not otherwise", async () => {
        const kept = await rejected(aws((s) => (cluster(s).mode = "create")));
        assert.ok(
            kept.includes(
                'stevedore:aws.cluster.nodeRoleName = "myCluster-node-role": is only allowed when mode is "existing"',
            ),
            kept,
        );
        const run = await runProgram(
            aws((s) => {
                cluster(s).mode = "create";
                delete cluster(s).nodeRoleName;
            }),
            awsMocks(),
        );
        assert.strictEqual(run.ofType("aws:eks/cluster:Cluster").length, 1);
    });

    it("rejects a region that is not an AWS region code", async () => {
        const message = await rejected(aws((s) => (s.region = "US East (N. Virginia)")));
        assert.ok(
            message.includes(
                'stevedore:aws.region = "US East (N. Virginia)": must be an AWS region code such as us-east-1',
            ),
            message,
        );
    });

    it("rejects a missing stevedore:aws block, and a missing region", async () => {
        assert.match(
            await rejected(withConfig(eks, (c) => delete c["stevedore:aws"])),
            /stevedore:aws = nothing \(the key is missing\): must be a map/,
        );
        assert.match(
            await rejected(aws((s) => delete s.region)),
            /stevedore:aws\.region = nothing \(the key is missing\): must be a string/,
        );
    });

    it("rejects node group sizes that are not min <= desired <= max", async () => {
        const sizes = (nodeGroup: Record<string, unknown>) =>
            aws((s) => (s.cluster = { mode: "create", name: "shop", nodeGroup }));
        const low = await rejected(sizes({ minSize: 3, desiredSize: 2, maxSize: 4 }));
        assert.ok(
            low.includes(
                "stevedore:aws.cluster.nodeGroup.minSize = 3: must be <= desiredSize (2); sizes need minSize <= desiredSize <= maxSize",
            ),
            low,
        );
        const high = await rejected(sizes({ minSize: 1, desiredSize: 5, maxSize: 4 }));
        assert.ok(high.includes("stevedore:aws.cluster.nodeGroup.desiredSize = 5: must be <= maxSize (4)"), high);
        const zero = await rejected(sizes({ minSize: 0, desiredSize: 0, maxSize: 0 }));
        assert.ok(zero.includes("stevedore:aws.cluster.nodeGroup.maxSize = 0: must be >= 1"), zero);
        const type = await rejected(sizes({ instanceTypes: ["medium"] }));
        assert.ok(
            type.includes(
                'stevedore:aws.cluster.nodeGroup.instanceTypes[0] = "medium": must be an EC2 instance type such as t3.medium',
            ),
            type,
        );
    });

    it("refuses Graviton nodes with amd64 images, and a node group that mixes architectures", async () => {
        const graviton = (edit: (c: Record<string, unknown>) => void = () => undefined) =>
            withConfig(
                aws((s) => (s.cluster = { mode: "create", name: "shop", nodeGroup: { instanceTypes: ["m7g.large"] } })),
                edit,
            );
        const amd64 = await rejected(graviton());
        assert.ok(
            amd64.includes(
                'stevedore:platform = "linux/amd64": the node group\'s instance types (m7g.large) run arm64, so images must be built for linux/arm64',
            ),
            amd64,
        );
        const perApp = await rejected(
            graviton((c) => {
                c["stevedore:platform"] = "linux/arm64";
                (c["stevedore:apps"] as Record<string, unknown>[])[1].platform = "linux/amd64";
            }),
        );
        assert.ok(
            perApp.includes('stevedore:apps[1].platform = "linux/amd64": the node group\'s instance types'),
            perApp,
        );
        assert.ok(!perApp.includes("stevedore:platform ="), perApp);
        const mixed = await rejected(
            aws(
                (s) =>
                    (s.cluster = {
                        mode: "create",
                        name: "shop",
                        nodeGroup: { instanceTypes: ["t3.large", "t4g.large"] },
                    }),
            ),
        );
        assert.ok(
            mixed.includes(
                'stevedore:aws.cluster.nodeGroup.instanceTypes = ["t3.large","t4g.large"]: must all be Graviton (arm64, e.g. m7g.large) or all x86_64',
            ),
            mixed,
        );
    });

    it("checks registry.keepTags: ECR tag patterns that leave stevedore's src- tags to keepLast", async () => {
        const message = await rejected(aws((s) => (s.registry = { keepTags: ["v*", "*", "release tag", "src-*"] })));
        assert.ok(
            message.includes('stevedore:aws.registry.keepTags[1] = "*": must not match stevedore\'s own src- tags'),
            message,
        );
        assert.ok(
            message.includes('stevedore:aws.registry.keepTags[2] = "release tag": must be a tag pattern such as v*'),
            message,
        );
        assert.ok(message.includes('stevedore:aws.registry.keepTags[3] = "src-*": must not match'), message);
        assert.ok(!message.includes("keepTags[0]"), message);
    });

    it("rejects bad cluster, node role and repository names", async () => {
        const name = await rejected(aws((s) => (cluster(s).name = "my cluster!")));
        assert.ok(
            name.includes(
                'stevedore:aws.cluster.name = "my cluster!": must be an EKS cluster name: 1-100 letters, digits',
            ),
            name,
        );
        const role = await rejected(aws((s) => (cluster(s).nodeRoleName = "arn:aws:iam::123456789012:role/nodes")));
        assert.ok(
            role.includes(
                'stevedore:aws.cluster.nodeRoleName = "arn:aws:iam::123456789012:role/nodes": must be an IAM role name (not an ARN)',
            ),
            role,
        );
        const prefix = await rejected(aws((s) => (s.registry = { prefix: "Team_A/" })));
        assert.ok(
            prefix.includes('stevedore:aws.registry.prefix = "Team_A/": must be an ECR namespace such as team-a'),
            prefix,
        );
        const authRole = await rejected(aws((s) => (cluster(s).authRoleArn = "eks-deployer")));
        assert.ok(
            authRole.includes('stevedore:aws.cluster.authRoleArn = "eks-deployer": must be an IAM role ARN'),
            authRole,
        );
    });

    it("requires a cluster name to attach to, and says which keys belong to which mode", async () => {
        const missing = await rejected(aws((s) => (s.cluster = { mode: "existing" })));
        assert.ok(
            missing.includes(
                'stevedore:aws.cluster.name = nothing (the key is missing): is required when mode is "existing"',
            ),
            missing,
        );
        const createOnly = await rejected(
            aws(
                (s) =>
                    (s.cluster = {
                        name: "myCluster",
                        version: "1.33",
                        nodeGroup: { minSize: 1 },
                        supportType: "STANDARD",
                    }),
            ),
        );
        assert.ok(
            createOnly.includes(
                'stevedore:aws.cluster.supportType = "STANDARD": is only allowed when mode is "create"',
            ),
            createOnly,
        );
        assert.ok(
            createOnly.includes('stevedore:aws.cluster.version = "1.33": is only allowed when mode is "create"'),
            createOnly,
        );
        assert.ok(
            createOnly.includes(
                'stevedore:aws.cluster.nodeGroup = {"minSize":1}: is only allowed when mode is "create"',
            ),
            createOnly,
        );
        const existingOnly = await rejected(aws((s) => (s.cluster = { mode: "create", nodeRoleName: "nodes" })));
        assert.ok(
            existingOnly.includes(
                'stevedore:aws.cluster.nodeRoleName = "nodes": is only allowed when mode is "existing"',
            ),
            existingOnly,
        );
        const lifecycle = await rejected(aws((s) => (s.registry = { mode: "existing", keepLast: 5 })));
        assert.ok(
            lifecycle.includes('stevedore:aws.registry.keepLast = 5: is only allowed when mode is "create"'),
            lifecycle,
        );
    });

    it("rejects bad subnets, versions, expiry and counts", async () => {
        const subnets = await rejected(
            aws((s) => (s.cluster = { mode: "create", subnetIds: ["subnet-0a1b2c3d4e5f67890"] })),
        );
        assert.ok(
            subnets.includes(
                'stevedore:aws.cluster.subnetIds = ["subnet-0a1b2c3d4e5f67890"]: must list at least 2 item(s)',
            ),
            subnets,
        );
        const version = await rejected(aws((s) => (s.cluster = { mode: "create", version: "latest" })));
        assert.ok(
            version.includes(
                'stevedore:aws.cluster.version = "latest": must be a Kubernetes minor version such as 1.33',
            ),
            version,
        );
        const days = await rejected(aws((s) => (s.registry = { untaggedExpiryDays: 0, keepLast: 1.5 })));
        assert.ok(days.includes("stevedore:aws.registry.untaggedExpiryDays = 0: must be >= 1"), days);
        assert.ok(days.includes("stevedore:aws.registry.keepLast = 1.5: must be a whole number"), days);
    });

    it("rejects a typo in the aws block, listing the allowed keys", async () => {
        const message = await rejected(aws((s) => (cluster(s).nodeRole = "nodes")));
        assert.match(
            message,
            /stevedore:aws\.cluster\.nodeRole = "nodes": unknown key; allowed keys here: mode, name, version, nodeRoleName, subnetIds, nodeGroup, supportType, authRoleArn/,
        );
    });

    it("rejects an app name ECR cannot hold as a repository, before anything is created", async () => {
        const config = withConfig(eks, (c) => (c["stevedore:apps"] = [{ name: "a", context: "apps/backend" }]));
        const message = await rejected(config);
        assert.ok(message.includes('ECR repository name "a" is invalid: ECR names are 2-256 characters'), message);
    });

    it("rejects static registry credentials, which ECR does not use", async () => {
        const config = withConfig(eks, (c) => {
            c["stevedore:registryUsername"] = "AWS";
            c["stevedore:registryPassword"] = "static-token";
        });
        const message = await rejected(config, ["registryPassword"]);
        assert.ok(
            message.includes("stevedore:registryUsername / stevedore:registryPassword: not used by target eks"),
            message,
        );
        assert.ok(!message.includes("static-token"));
    });
});
