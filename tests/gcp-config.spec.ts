import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { GkeCluster } from "../components/gcp/cluster";
import { gcpSettingsSchema } from "../components/gcp/settings";
import { GcpSetup } from "../components/gcp/setup";
import { gcpMocks, gkeStack, PROJECT } from "./harness/gcpMocks";
import { RecordingMocks } from "./harness/mocks";
import { configErrorOf, runFailing } from "./harness/program";
import { stackConfig, withConfig } from "./harness/stacks";

const base = { project: PROJECT, location: "europe-west4", cluster: { name: "shop-prod" } };

/** Runs a gke stack with `gcp` settings, expects a config error that registered nothing, returns the message. */
async function rejected(gcp: Record<string, unknown>): Promise<string> {
    return configErrorOf(await runFailing(gkeStack(gcp), gcpMocks()));
}

describe("gke target: config errors", () => {
    it("requires the stevedore:gcp map", async () => {
        const { error, resources } = await runFailing(
            withConfig(stackConfig("dev"), (c) => {
                c["stevedore:target"] = "gke";
                delete c["stevedore:local"];
            }),
            gcpMocks(),
        );
        assert.match(error.message, /stevedore:gcp = nothing \(the key is missing\): must be a map/);
        assert.deepStrictEqual(resources, []);
    });

    it("requires project and location, naming each", async () => {
        const message = await rejected({ cluster: { name: "shop-prod" } });
        assert.match(message, /stevedore:gcp\.project = nothing \(the key is missing\): must be a string/);
        assert.match(message, /stevedore:gcp\.location = nothing \(the key is missing\): must be a string/);
    });

    it("rejects project ids that break GCP's rules", async () => {
        for (const project of [
            "My_Project",
            "abc",
            "1project-a",
            "project-ending-",
            "a-project-id-that-is-far-too-long",
        ]) {
            const message = await rejected({ ...base, project });
            assert.ok(
                message.includes(
                    `stevedore:gcp.project = ${JSON.stringify(project)}: must be a GCP project id: 6-30 characters, lowercase letters, digits and '-'`,
                ),
                message,
            );
        }
    });

    it("tells a region from a zone and rejects anything else", async () => {
        for (const location of ["us-central", "us-central1-ab", "US-CENTRAL1", "europe"]) {
            const message = await rejected({ ...base, location });
            assert.ok(
                message.includes(
                    `stevedore:gcp.location = ${JSON.stringify(location)}: must be a GCP region such as us-central1 (regional cluster) or a zone such as us-central1-a (zonal cluster)`,
                ),
                message,
            );
        }
    });

    it("rejects a zonal registry location and a bad repository id", async () => {
        const message = await rejected({ ...base, registry: { location: "europe-west4-a", name: "My_Repo" } });
        assert.match(
            message,
            /stevedore:gcp\.registry\.location = "europe-west4-a": must be a region such as us-central1 or a multi-region \(us, europe, asia\); Artifact Registry has no zonal repositories/,
        );
        assert.match(
            message,
            /stevedore:gcp\.registry\.name = "My_Repo": must be an Artifact Registry repository id: 1-63 characters/,
        );
    });

    it("needs a name for an existing repository and refuses cleanup settings for it", async () => {
        const message = await rejected({
            ...base,
            registry: { mode: "existing", untaggedMaxAgeDays: 7, keepRecent: 3 },
        });
        assert.match(
            message,
            /stevedore:gcp\.registry\.name = nothing \(the key is missing\): is required when mode is "existing"/,
        );
        assert.match(
            message,
            /stevedore:gcp\.registry\.untaggedMaxAgeDays = 7: applies only when mode is "create"; stevedore does not change an existing repository's cleanup policies/,
        );
        assert.match(message, /stevedore:gcp\.registry\.keepRecent = 3: applies only when mode is "create"/);
    });

    it("bounds the cleanup settings", async () => {
        const message = await rejected({ ...base, registry: { untaggedMaxAgeDays: 0, keepRecent: 1.5 } });
        assert.match(message, /stevedore:gcp\.registry\.untaggedMaxAgeDays = 0: must be >= 1/);
        assert.match(message, /stevedore:gcp\.registry\.keepRecent = 1\.5: must be a whole number/);
    });

    it("needs the name of an existing cluster", async () => {
        const message = await rejected({ project: PROJECT, location: "europe-west4" });
        assert.match(
            message,
            /stevedore:gcp\.cluster\.name = nothing \(the key is missing\): is required when mode is "existing" \(the GKE cluster's name\)/,
        );
    });

    it("rejects cluster names that are too long, uppercase or badly ended", async () => {
        for (const name of ["a".repeat(41), "Shop-Prod", "shop-prod-", "1shop"]) {
            const message = await rejected({ ...base, cluster: { name } });
            assert.ok(
                message.includes(
                    `stevedore:gcp.cluster.name = ${JSON.stringify(name)}: must be a GKE cluster name: 1-40 characters, lowercase letters`,
                ),
                message,
            );
        }
    });

    it("refuses create-only settings for an existing cluster, and nodeServiceAccount for a created one", async () => {
        let message = await rejected({
            ...base,
            cluster: { name: "shop-prod", releaseChannel: "STABLE", nodePool: { maxCount: 4 } },
        });
        assert.match(
            message,
            /stevedore:gcp\.cluster\.releaseChannel = "STABLE": applies only when mode is "create"; stevedore does not change an existing cluster/,
        );
        assert.match(
            message,
            /stevedore:gcp\.cluster\.nodePool = \{"maxCount":4\}: applies only when mode is "create"/,
        );
        message = await rejected({
            ...base,
            cluster: { mode: "create", nodeServiceAccount: `n@${PROJECT}.iam.gserviceaccount.com` },
        });
        assert.match(
            message,
            /stevedore:gcp\.cluster\.nodeServiceAccount = "n@acme-shop-prod\.iam\.gserviceaccount\.com": applies only when mode is "existing"/,
        );
    });

    it("checks the node pool, the release channel and the node service account's form", async () => {
        const message = await rejected({
            ...base,
            cluster: {
                mode: "create",
                releaseChannel: "BETA",
                nodePool: { machineType: "big", minCount: 4, maxCount: 2 },
            },
        });
        assert.match(
            message,
            /stevedore:gcp\.cluster\.releaseChannel = "BETA": must be one of "RAPID", "REGULAR", "STABLE", "EXTENDED"/,
        );
        assert.match(
            message,
            /stevedore:gcp\.cluster\.nodePool\.machineType = "big": must be a Compute Engine machine type such as e2-standard-2/,
        );
        assert.match(message, /stevedore:gcp\.cluster\.nodePool\.minCount = 4: must be <= maxCount \(2\)/);
        const bad = await rejected({
            ...base,
            cluster: { name: "shop-prod", nodeServiceAccount: "nodes@example.com" },
        });
        assert.match(
            bad,
            /stevedore:gcp\.cluster\.nodeServiceAccount = "nodes@example\.com": must be a service account email/,
        );
    });

    it("checks the node account id and the network of a created cluster, and refuses them for an existing one", async () => {
        const message = await rejected({
            ...base,
            cluster: {
                mode: "create",
                nodeServiceAccountId: "Nodes_EU",
                network: "My VPC",
                subnetwork: "projects/x/y",
            },
        });
        assert.match(
            message,
            /stevedore:gcp\.cluster\.nodeServiceAccountId = "Nodes_EU": must be a service account id: 6-30 characters/,
        );
        assert.match(message, /stevedore:gcp\.cluster\.network = "My VPC": must be a network or subnetwork name/);
        assert.match(
            message,
            /stevedore:gcp\.cluster\.subnetwork = "projects\/x\/y": must be a network or subnetwork name/,
        );
        const existing = await rejected({ ...base, cluster: { name: "shop-prod", network: "shared-vpc" } });
        assert.match(
            existing,
            /stevedore:gcp\.cluster\.network = "shared-vpc": applies only when mode is "create"; stevedore does not change an existing cluster/,
        );
    });

    it("names unknown keys and lists the allowed ones", async () => {
        const message = await rejected({
            ...base,
            region: "europe-west4",
            cluster: { name: "shop-prod", nodepool: {} },
        });
        assert.match(
            message,
            /stevedore:gcp\.region = "europe-west4": unknown key; allowed keys here: project, location, registry, cluster/,
        );
        assert.match(
            message,
            /stevedore:gcp\.cluster\.nodepool = \{\}: unknown key; allowed keys here: mode, name, releaseChannel, nodePool, /,
        );
    });
});

describe("gke target: runtime errors", () => {
    it("stops with a clear error when the existing repository is not a Docker one", async () => {
        const { error } = await runFailing(
            gkeStack({ ...base, registry: { mode: "existing", name: "jars" } }),
            gcpMocks({ repositoryFormat: "MAVEN" }),
        );
        assert.match(
            error.message,
            /Artifact Registry repository jars in acme-shop-prod\/europe-west4 is a MAVEN repository; stevedore needs a DOCKER one/,
        );
    });

    it("refuses another cloud's IAM grant", async () => {
        await pulumi.runtime.setMocks(new RecordingMocks(gcpMocks()), "stevedore", "test", false);
        const cluster = new GkeCluster("cluster", {}, new GcpSetup("target", gcpSettingsSchema.parse(base)));
        const access = {
            kind: "iamGrant" as const,
            cloud: "aws" as const,
            policyArn: "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
            repositoryArns: [pulumi.output("arn:aws:ecr:eu-west-1:123456789012:repository/x")],
        };
        assert.throws(
            () => cluster.grantPull(access, pulumi.output("apps")),
            /a GKE cluster cannot apply a aws IAM grant; use an Artifact Registry repository/,
        );
    });
});
