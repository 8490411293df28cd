import * as assert from "assert";
import {
    ACCESS_TOKEN,
    CLUSTER_CA,
    CLUSTER_ENDPOINT,
    EXISTING_CA,
    EXISTING_ENDPOINT,
    EXISTING_NODE_SA,
    gcpMocks,
    gkeStack,
    PROJECT,
    PROJECT_NUMBER,
    recordInvokeProviders,
} from "./harness/gcpMocks";
import { podSpec } from "./harness/k8s";
import { isSecret, unsecret } from "./harness/mocks";
import { ProgramRun, runProgram } from "./harness/program";
import { replacements } from "./harness/replacements";

const REPOSITORY = "gcp:artifactregistry/repository:Repository";
const IAM_MEMBER = "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const REGISTRY_HOST = "europe-west4-docker.pkg.dev";
const CREATED_NODE_SA = `gitops-nodes@${PROJECT}.iam.gserviceaccount.com`;

const existing = { project: PROJECT, location: "europe-west4", cluster: { name: "shop-prod" } };
const created = { project: PROJECT, location: "europe-west4", cluster: { mode: "create", name: "gitops" } };

interface Kubeconfig {
    clusters: { name: string; cluster: { server: string; "certificate-authority-data": string } }[];
    users: {
        name: string;
        user: { exec: { apiVersion: string; command: string; provideClusterInfo: boolean; installHint: string } };
    }[];
    contexts: { name: string; context: { cluster: string; user: string } }[];
    "current-context": string;
}

/** The kubeconfig the Kubernetes provider received, decoded; it must have arrived as a secret. */
function kubeconfigOf(run: ProgramRun): Kubeconfig {
    const raw = run.get("pulumi:providers:kubernetes", "cluster-k8s").inputs.kubeconfig;
    assert.ok(isSecret(raw), "the kubeconfig must reach the provider as a secret");
    return JSON.parse(String(unsecret(raw))) as Kubeconfig;
}

describe("gke target: Artifact Registry", () => {
    it("creates a DOCKER repository in the cluster's region with the default cleanup policy", async () => {
        const run = await runProgram(gkeStack(existing), gcpMocks());
        const repo = run.get(REPOSITORY, "registry-repo").inputs;
        assert.strictEqual(repo.format, "DOCKER");
        assert.strictEqual(repo.location, "europe-west4");
        assert.strictEqual(repo.project, PROJECT);
        assert.strictEqual(repo.repositoryId, "stevedore");
        assert.strictEqual(repo.cleanupPolicyDryRun, false);
        // 14 days, in the seconds the API stores.
        assert.deepStrictEqual(repo.cleanupPolicies, [
            { id: "delete-untagged", action: "DELETE", condition: { tagState: "UNTAGGED", olderThan: "1209600s" } },
        ]);
        assert.strictEqual(run.outputs.registry, REGISTRY_HOST);
    });

    it("uses the configured age, keeps the newest versions, and puts a zonal stack's registry in the zone's region", async () => {
        const gcp = {
            ...existing,
            location: "us-east4-c",
            registry: { name: "shop-images", untaggedMaxAgeDays: 3, keepRecent: 10 },
        };
        const run = await runProgram(gkeStack(gcp), gcpMocks());
        const repo = run.get(REPOSITORY, "registry-repo").inputs;
        assert.strictEqual(repo.location, "us-east4");
        assert.strictEqual(repo.repositoryId, "shop-images");
        assert.deepStrictEqual(repo.cleanupPolicies, [
            { id: "delete-untagged", action: "DELETE", condition: { tagState: "UNTAGGED", olderThan: "259200s" } },
            { id: "keep-recent", action: "KEEP", mostRecentVersions: { keepCount: 10 } },
        ]);
        assert.match(
            String(run.get("docker:index/image:Image", "backend-image").inputs.imageName),
            new RegExp(`^us-east4-docker\\.pkg\\.dev/${PROJECT}/shop-images/backend:src-[0-9a-f]{16}$`),
        );
    });

    it("places the repository in a multi-region when registry.location says so", async () => {
        const run = await runProgram(gkeStack({ ...existing, registry: { location: "europe" } }), gcpMocks());
        assert.strictEqual(run.get(REPOSITORY, "registry-repo").inputs.location, "europe");
        assert.strictEqual(run.outputs.registry, "europe-docker.pkg.dev");
    });

    it("pushes with the OAuth access token of the provider's client config, as a secret", async () => {
        const run = await runProgram(gkeStack(existing), gcpMocks());
        for (const app of ["backend", "frontend"]) {
            const image = run.get("docker:index/image:Image", `${app}-image`);
            const registry = unsecret(image.inputs.registry) as { server: string; username: string; password: string };
            assert.deepStrictEqual(registry, {
                server: REGISTRY_HOST,
                username: "oauth2accesstoken",
                password: ACCESS_TOKEN,
            });
            assert.ok(
                run.dependsOn.get(`${app}-image`)?.includes("registry-repo"),
                `${app} must be pushed after the repository exists`,
            );
        }
    });

    it("pushes with stevedore:registryUsername/Password instead of a token when they are set", async () => {
        const key = "ewogICJ0eXBlIjogInNlcnZpY2VfYWNjb3VudCIKfQ==";
        const config = gkeStack(existing, (c) =>
            Object.assign(c, { "stevedore:registryUsername": "_json_key_base64", "stevedore:registryPassword": key }),
        );
        const run = await runProgram(config, gcpMocks(), ["registryPassword"]);
        const registry = unsecret(run.get("docker:index/image:Image", "backend-image").inputs.registry);
        assert.deepStrictEqual(registry, { server: REGISTRY_HOST, username: "_json_key_base64", password: key });
    });

    it("deploys each app by digest from <location>-docker.pkg.dev/<project>/<repository>/<app>", async () => {
        const digest = "7c".repeat(32);
        const run = await runProgram(gkeStack(existing), { ...gcpMocks(), digests: { backend: digest } });
        const ref = `${REGISTRY_HOST}/${PROJECT}/stevedore/backend@sha256:${digest}`;
        assert.strictEqual(podSpec(run.get(DEPLOYMENT, "backend-deploy")).containers[0].image, ref);
        assert.strictEqual((run.outputs.apps as Record<string, { image: string }>).backend.image, ref);
        assert.match(
            podSpec(run.get(DEPLOYMENT, "frontend-deploy")).containers[0].image,
            new RegExp(`^${REGISTRY_HOST}/${PROJECT}/stevedore/frontend@sha256:[0-9a-f]{64}$`),
        );
        assert.deepStrictEqual(
            podSpec(run.get(DEPLOYMENT, "backend-deploy")).imagePullSecrets ?? [],
            [],
            "IAM pulls need no pull secret",
        );
    });

    it("uses an existing Docker repository by name and creates none", async () => {
        const invokes = recordInvokeProviders();
        let run: ProgramRun;
        try {
            run = await runProgram(
                gkeStack({ ...existing, registry: { mode: "existing", name: "containers" } }),
                gcpMocks(),
            );
        } finally {
            invokes.restore();
        }
        assert.deepStrictEqual(run.ofType(REPOSITORY), []);
        const lookup = invokes.calls.find((c) => c.token === "gcp:artifactregistry/getRepository:getRepository");
        assert.deepStrictEqual(lookup?.inputs, {
            project: PROJECT,
            location: "europe-west4",
            repositoryId: "containers",
        });
        const image = run.get("docker:index/image:Image", "backend-image");
        assert.match(
            String(image.inputs.imageName),
            new RegExp(`^${REGISTRY_HOST}/${PROJECT}/containers/backend:src-`),
        );
        const member = run.get(IAM_MEMBER, "cluster-registry-reader").inputs;
        assert.deepStrictEqual(
            [member.project, member.location, member.repository],
            [PROJECT, "europe-west4", "containers"],
        );
    });
});

describe("gke target: cluster", () => {
    it("attaches to an existing cluster with a gke-gcloud-auth-plugin kubeconfig and creates no cluster", async () => {
        const run = await runProgram(gkeStack(existing), gcpMocks());
        for (const type of [
            "gcp:container/cluster:Cluster",
            "gcp:container/nodePool:NodePool",
            "gcp:serviceaccount/account:Account",
        ]) {
            assert.deepStrictEqual(run.ofType(type), [], `attach mode must not create a ${type}`);
        }
        const kc = kubeconfigOf(run);
        const id = `gke_${PROJECT}_europe-west4_shop-prod`;
        assert.deepStrictEqual(kc.clusters, [
            {
                name: id,
                cluster: { server: `https://${EXISTING_ENDPOINT}`, "certificate-authority-data": EXISTING_CA },
            },
        ]);
        const exec = kc.users[0].user.exec;
        assert.strictEqual(exec.command, "gke-gcloud-auth-plugin");
        assert.strictEqual(exec.apiVersion, "client.authentication.k8s.io/v1beta1");
        assert.strictEqual(exec.provideClusterInfo, true);
        assert.match(exec.installHint, /gcloud components install gke-gcloud-auth-plugin/);
        assert.deepStrictEqual(kc.contexts, [{ name: id, context: { cluster: id, user: id } }]);
        assert.strictEqual(kc["current-context"], id);
    });

    it("grants the existing cluster's node service account artifactregistry.reader on the repository only", async () => {
        const run = await runProgram(gkeStack(existing), gcpMocks());
        const members = run.ofType(IAM_MEMBER);
        assert.strictEqual(members.length, 1, "one grant, however many apps");
        assert.deepStrictEqual(members[0].inputs, {
            project: PROJECT,
            location: "europe-west4",
            repository: "stevedore",
            role: "roles/artifactregistry.reader",
            member: `serviceAccount:${EXISTING_NODE_SA}`,
        });
        assert.ok(run.dependsOn.get("cluster-registry-reader")?.includes("registry-repo"));
    });

    it("a destroy of one stack leaves the reader binding another stack on the same repository and account relies on", async () => {
        const shared = { ...existing, registry: { mode: "existing", name: "containers" } };
        const stackA = await runProgram(gkeStack(shared), gcpMocks());
        const stackB = await runProgram(gkeStack(shared), gcpMocks());
        const binding = (r: { inputs: Record<string, unknown> }) =>
            JSON.stringify([r.inputs.repository, r.inputs.role, r.inputs.member]);
        // The provider's delete removes the member from the role, so every stack holding it loses it.
        const removedByDestroyOfA = stackA.ofType(IAM_MEMBER).filter((m) => !stackA.retainOnDelete.has(m.name));
        const heldByB = new Set(stackB.ofType(IAM_MEMBER).map(binding));
        assert.strictEqual(heldByB.size, 1);
        assert.deepStrictEqual(removedByDestroyOfA.filter((m) => heldByB.has(binding(m))).map(binding), []);
    });

    it("grants every distinct node pool's account, not only the first pool's, and Deployments wait for all", async () => {
        const poolB = `pool-b@${PROJECT}.iam.gserviceaccount.com`;
        const computeDefault = `${PROJECT_NUMBER}-compute@developer.gserviceaccount.com`;
        const run = await runProgram(
            gkeStack(existing),
            gcpMocks({ poolAccounts: [EXISTING_NODE_SA, poolB, EXISTING_NODE_SA, "default", poolB] }),
        );
        const members = run.ofType(IAM_MEMBER);
        assert.deepStrictEqual(
            members.map((m) => m.inputs.member).sort(),
            [computeDefault, EXISTING_NODE_SA, poolB].map((sa) => `serviceAccount:${sa}`).sort(),
        );
        // The first pool's grant keeps its name (and so its URN in existing stacks).
        assert.strictEqual(
            run.get(IAM_MEMBER, "cluster-registry-reader").inputs.member,
            `serviceAccount:${EXISTING_NODE_SA}`,
        );
        const others = members.filter((m) => m.name !== "cluster-registry-reader").map((m) => m.name);
        assert.strictEqual(others.length, 2);
        for (const other of others) {
            assert.match(other, /^cluster-registry-reader-[0-9a-f]{8}$/);
            assert.ok(
                run.dependsOn.get("cluster-registry-reader")?.includes(other),
                `the first grant waits for ${other}`,
            );
        }
        assert.ok(run.dependsOn.get("backend-deploy")?.includes("cluster-registry-reader"));
    });

    it("makes every Deployment wait for the IAM grant", async () => {
        const run = await runProgram(gkeStack(existing), gcpMocks());
        for (const app of ["backend", "frontend"]) {
            assert.ok(
                run.dependsOn.get(`${app}-deploy`)?.includes("cluster-registry-reader"),
                `${app}-deploy must depend on the registry grant`,
            );
        }
    });

    it("resolves the Compute Engine default account from the project number", async () => {
        const run = await runProgram(gkeStack(existing), gcpMocks({ existingNodeSa: "default" }));
        assert.strictEqual(
            run.get(IAM_MEMBER, "cluster-registry-reader").inputs.member,
            `serviceAccount:${PROJECT_NUMBER}-compute@developer.gserviceaccount.com`,
        );
    });

    it("finds an Autopilot cluster's node account in its auto-provisioning defaults", async () => {
        const sa = `autopilot-nodes@${PROJECT}.iam.gserviceaccount.com`;
        const run = await runProgram(gkeStack(existing), gcpMocks({ autopilot: true, existingNodeSa: sa }));
        assert.strictEqual(run.get(IAM_MEMBER, "cluster-registry-reader").inputs.member, `serviceAccount:${sa}`);
    });

    it("grants a configured nodeServiceAccount instead of the reported one", async () => {
        const sa = `pool-b@${PROJECT}.iam.gserviceaccount.com`;
        const run = await runProgram(
            gkeStack({ ...existing, cluster: { name: "shop-prod", nodeServiceAccount: sa } }),
            gcpMocks(),
        );
        assert.strictEqual(run.get(IAM_MEMBER, "cluster-registry-reader").inputs.member, `serviceAccount:${sa}`);
    });

    it("creates a regional cluster without its default pool, a node pool with its own service account, and least-privilege roles", async () => {
        const run = await runProgram(gkeStack(created), gcpMocks());
        const account = run.get("gcp:serviceaccount/account:Account", "cluster-nodes").inputs;
        assert.strictEqual(account.accountId, "gitops-nodes");
        assert.strictEqual(account.project, PROJECT);

        const roles = run.ofType("gcp:projects/iAMMember:IAMMember").map((r) => r.inputs);
        assert.deepStrictEqual(roles, [
            {
                project: PROJECT,
                role: "roles/container.defaultNodeServiceAccount",
                member: `serviceAccount:${CREATED_NODE_SA}`,
            },
        ]);

        const cluster = run.get("gcp:container/cluster:Cluster", "cluster-gke").inputs;
        assert.strictEqual(cluster.name, "gitops");
        assert.strictEqual(cluster.location, "europe-west4");
        assert.strictEqual(cluster.removeDefaultNodePool, true);
        assert.deepStrictEqual(cluster.releaseChannel, { channel: "REGULAR" });
        assert.deepStrictEqual(cluster.workloadIdentityConfig, { workloadPool: `${PROJECT}.svc.id.goog` });
        assert.strictEqual(cluster.deletionProtection, true);

        const pool = run.get("gcp:container/nodePool:NodePool", "cluster-pool");
        assert.strictEqual(pool.inputs.cluster, "gitops");
        assert.deepStrictEqual(pool.inputs.autoscaling, { minNodeCount: 1, maxNodeCount: 3 });
        const node = pool.inputs.nodeConfig as Record<string, unknown>;
        assert.strictEqual(node.machineType, "e2-standard-2");
        assert.strictEqual(node.serviceAccount, CREATED_NODE_SA);
        assert.deepStrictEqual(node.oauthScopes, ["https://www.googleapis.com/auth/cloud-platform"]);
        assert.deepStrictEqual(node.workloadMetadataConfig, { mode: "GKE_METADATA" });
        assert.ok(
            run.dependsOn.get("cluster-pool")?.includes("cluster-nodes-defaultNodeServiceAccount"),
            "nodes start after their roles exist",
        );
    });

    it("grants the created node service account and connects only once the node pool exists", async () => {
        const run = await runProgram(gkeStack(created), gcpMocks());
        assert.strictEqual(
            run.get(IAM_MEMBER, "cluster-registry-reader").inputs.member,
            `serviceAccount:${CREATED_NODE_SA}`,
        );
        const kc = kubeconfigOf(run);
        assert.strictEqual(kc.clusters[0].cluster.server, `https://${CLUSTER_ENDPOINT}`);
        assert.strictEqual(kc.clusters[0].cluster["certificate-authority-data"], CLUSTER_CA);
        assert.strictEqual(kc.users[0].user.exec.command, "gke-gcloud-auth-plugin");
        assert.strictEqual(kc["current-context"], `gke_${PROJECT}_europe-west4_gitops`);
        assert.ok(
            run.dependsOn.get("cluster-k8s")?.includes("cluster-pool"),
            "the Kubernetes provider must wait for nodes",
        );
        assert.ok(run.dependsOn.get("backend-deploy")?.includes("cluster-registry-reader"));
    });

    it("creates a zonal cluster with the configured pool, channel and options", async () => {
        const cluster = {
            mode: "create",
            name: "edge",
            releaseChannel: "STABLE",
            workloadIdentity: false,
            deletionProtection: false,
            nodePool: { machineType: "n2d-standard-4", minCount: 0, maxCount: 5 },
        };
        const run = await runProgram(gkeStack({ project: PROJECT, location: "europe-west4-b", cluster }), gcpMocks());
        const gke = run.get("gcp:container/cluster:Cluster", "cluster-gke").inputs;
        assert.strictEqual(gke.location, "europe-west4-b");
        assert.deepStrictEqual(gke.releaseChannel, { channel: "STABLE" });
        assert.strictEqual(gke.workloadIdentityConfig, undefined);
        assert.strictEqual(gke.deletionProtection, false);
        const pool = run.get("gcp:container/nodePool:NodePool", "cluster-pool").inputs;
        assert.strictEqual(pool.location, "europe-west4-b");
        assert.deepStrictEqual(pool.autoscaling, { minNodeCount: 0, maxNodeCount: 5 });
        assert.strictEqual(pool.initialNodeCount, 1);
        assert.strictEqual((pool.nodeConfig as Record<string, unknown>).machineType, "n2d-standard-4");
        assert.strictEqual((pool.nodeConfig as Record<string, unknown>).workloadMetadataConfig, undefined);
        assert.strictEqual(
            run.get("gcp:serviceaccount/account:Account", "cluster-nodes").inputs.accountId,
            "edge-nodes",
        );
        const provider = run.get("pulumi:providers:gcp", "target-gcp").inputs;
        assert.deepStrictEqual(
            [provider.project, provider.region, provider.zone],
            [PROJECT, "europe-west4", "europe-west4-b"],
        );
    });

    it("raising nodePool.minCount updates the pool's autoscaler in place: no force-new input changes", async () => {
        const stack = (minCount: number) =>
            gkeStack({
                project: PROJECT,
                location: "europe-west4",
                cluster: { mode: "create", name: "shop", nodePool: { minCount, maxCount: 6 } },
            });
        const before = await runProgram(stack(1), gcpMocks());
        const after = await runProgram(stack(3), gcpMocks());
        const pool = after.get("gcp:container/nodePool:NodePool", "cluster-pool").inputs;
        assert.deepStrictEqual(pool.autoscaling, { minNodeCount: 3, maxNodeCount: 6 });
        assert.deepStrictEqual(replacements(before, after), [], "no node pool replacement, no drained nodes");
        assert.deepStrictEqual(after.ignoreChanges.get("cluster-pool"), ["initialNodeCount"]);
    });

    it("builds the temporary default pool as the stack's node account, not the Compute Engine default one", async () => {
        const run = await runProgram(gkeStack(created), gcpMocks());
        const gke = run.get("gcp:container/cluster:Cluster", "cluster-gke").inputs;
        assert.deepStrictEqual(gke.nodeConfig, {
            serviceAccount: CREATED_NODE_SA,
            oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
        });
        assert.strictEqual(gke.removeDefaultNodePool, true);
        assert.deepStrictEqual([gke.network, gke.subnetwork], [undefined, undefined], "unset: GKE's default network");
        assert.ok(run.dependsOn.get("cluster-gke")?.includes("cluster-nodes-defaultNodeServiceAccount"));
    });

    it("keeps a cluster created before the default pool's account was set: no replacement", async () => {
        const before = await runProgram(gkeStack(created), gcpMocks());
        const gke = before.get("gcp:container/cluster:Cluster", "cluster-gke");
        // What an earlier stevedore registered: no nodeConfig on the cluster.
        gke.inputs = Object.fromEntries(Object.entries(gke.inputs).filter(([key]) => key !== "nodeConfig"));
        const after = await runProgram(gkeStack(created), gcpMocks());
        assert.deepStrictEqual(replacements(before, after), []);
    });

    it("creates the cluster in a given network and subnetwork, with a node account id of its own", async () => {
        const cluster = {
            ...created.cluster,
            network: "shared-vpc",
            subnetwork: `projects/${PROJECT}/regions/europe-west4/subnetworks/gke-eu`,
            nodeServiceAccountId: "gitops-eu-nodes",
        };
        const run = await runProgram(gkeStack({ ...created, cluster }), gcpMocks());
        const gke = run.get("gcp:container/cluster:Cluster", "cluster-gke").inputs;
        assert.deepStrictEqual([gke.network, gke.subnetwork], [cluster.network, cluster.subnetwork]);
        assert.strictEqual(
            run.get("gcp:serviceaccount/account:Account", "cluster-nodes").inputs.accountId,
            "gitops-eu-nodes",
        );
        assert.strictEqual(
            run.get(IAM_MEMBER, "cluster-registry-reader").inputs.member,
            `serviceAccount:gitops-eu-nodes@${PROJECT}.iam.gserviceaccount.com`,
        );
    });

    it("renders manifests instead of applying them, still granting the pull", async () => {
        const run = await runProgram(
            gkeStack(existing, (c) => (c["stevedore:renderDir"] = "rendered/gke")),
            gcpMocks(),
        );
        assert.strictEqual(
            run.get("pulumi:providers:kubernetes", "cluster-k8s").inputs.renderYamlToDirectory,
            "rendered/gke",
        );
        assert.strictEqual(run.ofType(IAM_MEMBER).length, 1);
    });
});

describe("gke target: providers", () => {
    it("creates every GCP resource and makes every invoke through an explicit gcp provider of the stack's project", async () => {
        const invokes = recordInvokeProviders();
        let run: ProgramRun;
        try {
            run = await runProgram(gkeStack(created), gcpMocks());
        } finally {
            invokes.restore();
        }
        // One provider for the target, made by its setup and shared by registry and cluster.
        assert.deepStrictEqual(
            run.ofType("pulumi:providers:gcp").map((p) => p.name),
            ["target-gcp"],
        );
        const p = run.get("pulumi:providers:gcp", "target-gcp").inputs;
        assert.deepStrictEqual([p.project, p.region, p.zone], [PROJECT, "europe-west4", undefined]);
        const gcpResources = run.resources.filter((r) => r.type.startsWith("gcp:"));
        assert.ok(gcpResources.length >= 6);
        for (const r of gcpResources)
            assert.match(r.provider ?? "", /\$pulumi:providers:gcp::target-gcp::/, `${r.type} ${r.name}`);
        const gcpInvokes = invokes.calls.filter((c) => c.token.startsWith("gcp:"));
        assert.deepStrictEqual(
            gcpInvokes.map((c) => c.token),
            ["gcp:organizations/getClientConfig:getClientConfig"],
        );
        for (const c of gcpInvokes) assert.match(c.provider ?? "", /\$pulumi:providers:gcp::target-gcp::/, c.token);
    });

    it("looks the existing cluster and repository up through the same provider", async () => {
        const invokes = recordInvokeProviders();
        try {
            await runProgram(
                gkeStack({ ...existing, registry: { mode: "existing", name: "containers" } }),
                gcpMocks({ existingNodeSa: "default" }),
            );
        } finally {
            invokes.restore();
        }
        const byToken = new Map(invokes.calls.map((c) => [c.token, c.provider ?? ""]));
        assert.match(byToken.get("gcp:artifactregistry/getRepository:getRepository") ?? "", /::target-gcp::/);
        assert.match(byToken.get("gcp:container/getCluster:getCluster") ?? "", /::target-gcp::/);
        assert.match(byToken.get("gcp:organizations/getProject:getProject") ?? "", /::target-gcp::/);
    });
});
