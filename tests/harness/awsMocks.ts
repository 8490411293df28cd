import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { MockEcrTags } from "./ecrPush";
import { MockOptions, sha256 } from "./mocks";
import { TestConfig } from "./program";

/** The AWS account every mocked call answers for. */
export const ACCOUNT = "123456789012";

export interface AwsMockSettings {
    region?: string;
    /** Partition the region belongs to, as getPartition reports it. */
    partition?: "aws" | "aws-cn" | "aws-us-gov";
    /** Existing EKS clusters by name; getCluster of any other name fails like the real API. */
    clusters?: string[];
    /** Existing ECR repositories by name; getRepository of any other name fails. */
    repositories?: string[];
    /** Availability zones the region lists. */
    zones?: string[];
    /** Tags earlier runs already pushed, by repository name: a push to one follows ECR's mutability rule. */
    pushedTags?: Record<string, string[]>;
    /** Tag mutability (and WILDCARD exclusion filters) of the existing repositories. */
    existingMutability?: { mode: string; filters: string[] };
}

const DNS_SUFFIX = { aws: "amazonaws.com", "aws-cn": "amazonaws.com.cn", "aws-us-gov": "amazonaws.com" } as const;

/** The password of the ECR authorization token every mocked getAuthorizationToken returns. */
export const ECR_PASSWORD = `eyJwYXlsb2FkIjoi${sha256("ecr-token").slice(0, 48)}`;

/** A base64 PEM the way EKS returns a cluster's certificate authority. */
export function caData(cluster: string): string {
    return Buffer.from(
        `-----BEGIN CERTIFICATE-----\nMIIC${sha256(cluster).slice(0, 40)}\n-----END CERTIFICATE-----\n`,
    ).toString("base64");
}

/** The API endpoint EKS would give `cluster`. */
export function eksEndpoint(cluster: string, region: string, suffix = "amazonaws.com"): string {
    return `https://${sha256(cluster).slice(0, 32).toUpperCase()}.gr7.${region}.eks.${suffix}`;
}

/** Mock options that also keep every AWS invoke the program made, in order. */
export interface AwsMocks extends MockOptions {
    invoked: { token: string; inputs: Record<string, unknown> }[];
    /** The invokes of one function token. */
    invokes(token: string): { token: string; inputs: Record<string, unknown> }[];
}

/** Mock options answering the AWS invokes stevedore makes and computing what AWS resources output. */
export function awsMocks(settings: AwsMockSettings = {}): AwsMocks {
    const invoked: AwsMocks["invoked"] = [];
    const recorded = (calls: Required<MockOptions>["calls"]): Required<MockOptions>["calls"] =>
        Object.fromEntries(
            Object.entries(calls).map(([token, handler]) => [
                token,
                (inputs: Record<string, unknown>) => {
                    invoked.push({ token, inputs });
                    return handler(inputs);
                },
            ]),
        );
    const region = settings.region ?? "us-east-1";
    const partition = settings.partition ?? "aws";
    const suffix = DNS_SUFFIX[partition];
    const registryHost = `${ACCOUNT}.dkr.ecr.${region}.${suffix}`;
    const repository = (name: string) => ({
        name,
        arn: `arn:${partition}:ecr:${region}:${ACCOUNT}:repository/${name}`,
        registryId: ACCOUNT,
        repositoryUrl: `${registryHost}/${name}`,
    });
    const str = (v: unknown) => String(v);
    const tags = new MockEcrTags(settings.pushedTags);
    const existing = settings.existingMutability ?? { mode: "IMMUTABLE", filters: [] };

    return {
        invoked,
        invokes: (token) => invoked.filter((i) => i.token === token),
        state(type, name, inputs) {
            switch (type) {
                case "aws:ecr/repository:Repository":
                    tags.repository(
                        str(inputs.name),
                        inputs.imageTagMutability,
                        inputs.imageTagMutabilityExclusionFilters,
                    );
                    return repository(str(inputs.name));
                case "docker:index/image:Image":
                    tags.push(str(inputs.imageName));
                    return undefined;
                case "aws:iam/role:Role": {
                    const roleName = `${name}-${sha256(name).slice(0, 7)}`;
                    return {
                        name: roleName,
                        arn: `arn:${partition}:iam::${ACCOUNT}:role/${roleName}`,
                        uniqueId: `AROA${sha256(name).slice(0, 17).toUpperCase()}`,
                    };
                }
                case "aws:eks/cluster:Cluster": {
                    const clusterName = str(inputs.name);
                    return {
                        arn: `arn:${partition}:eks:${region}:${ACCOUNT}:cluster/${clusterName}`,
                        endpoint: eksEndpoint(clusterName, region, suffix),
                        certificateAuthority: { data: caData(clusterName) },
                        status: "ACTIVE",
                    };
                }
                case "aws:eks/nodeGroup:NodeGroup":
                    return {
                        status: "ACTIVE",
                        arn: `arn:${partition}:eks:${region}:${ACCOUNT}:nodegroup/${str(inputs.clusterName)}/${name}/${sha256(name).slice(0, 8)}`,
                    };
                default:
                    return undefined;
            }
        },
        calls: recorded({
            "aws:index/getPartition:getPartition": () => ({
                id: partition,
                partition,
                dnsSuffix: suffix,
                reverseDnsPrefix: suffix.split(".").reverse().join("."),
            }),
            "aws:index/getServicePrincipal:getServicePrincipal": (inputs) => ({
                id: `${str(inputs.serviceName)}.${region}`,
                name: `${str(inputs.serviceName)}.${partition === "aws-cn" && inputs.serviceName === "ec2" ? "amazonaws.com.cn" : "amazonaws.com"}`,
                region,
                serviceName: inputs.serviceName,
                suffix,
            }),
            "aws:index/getAvailabilityZones:getAvailabilityZones": () => {
                const names = settings.zones ?? ["a", "b", "c"].map((z) => `${region}${z}`);
                return {
                    id: region,
                    region,
                    names,
                    zoneIds: names.map((_, i) => `use1-az${i + 1}`),
                    groupNames: names.map(() => region),
                };
            },
            "aws:ecr/getAuthorizationToken:getAuthorizationToken": () => {
                const password = ECR_PASSWORD;
                return {
                    id: region,
                    region,
                    userName: "AWS",
                    password,
                    authorizationToken: Buffer.from(`AWS:${password}`).toString("base64"),
                    proxyEndpoint: `https://${registryHost}`,
                    expiresAt: "2030-01-01T12:00:00Z",
                };
            },
            "aws:ecr/getRepository:getRepository": (inputs) => {
                const name = str(inputs.name);
                if (!(settings.repositories ?? []).includes(name))
                    throw new Error(
                        `RepositoryNotFoundException: The repository with name '${name}' does not exist in the registry with id '${ACCOUNT}'`,
                    );
                const filters = existing.filters.map((filter) => ({ filter, filterType: "WILDCARD" }));
                tags.repository(name, existing.mode, filters);
                return {
                    ...repository(name),
                    id: name,
                    imageTagMutability: existing.mode,
                    imageTagMutabilityExclusionFilters: filters,
                    region,
                };
            },
            "aws:eks/getCluster:getCluster": (inputs) => {
                const name = str(inputs.name);
                if (!(settings.clusters ?? []).includes(name))
                    throw new Error(`ResourceNotFoundException: No cluster found for name: ${name}.`);
                return {
                    id: name,
                    name,
                    arn: `arn:${partition}:eks:${region}:${ACCOUNT}:cluster/${name}`,
                    endpoint: eksEndpoint(name, region, suffix),
                    certificateAuthorities: [{ data: caData(name) }],
                    status: "ACTIVE",
                    version: "1.33",
                    region,
                    roleArn: `arn:${partition}:iam::${ACCOUNT}:role/${name}-cluster-role`,
                };
            },
        }),
    };
}

/** The `config:` map of docs/targets/Pulumi.eks.example.yaml, so tests run the stack file users copy. */
export function eksExampleConfig(): TestConfig {
    const file = path.resolve(__dirname, "..", "..", "docs", "targets", "Pulumi.eks.example.yaml");
    const doc = parse(fs.readFileSync(file, "utf8")) as { config?: TestConfig };
    if (doc.config === undefined) throw new Error(`${file} has no config: block`);
    return { ...doc.config };
}

/** The resource name part of a provider reference (`urn::id`) or URN. */
export function providerName(ref: string | undefined): string {
    return (ref ?? "").split("::").slice(-2)[0] ?? "";
}
