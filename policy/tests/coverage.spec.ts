import * as assert from "assert";
import { StackFacts } from "../lib/facts";
import { allPolicies } from "../policies/all";
import { noHelmRelease } from "../policies/helmRelease";
import { container, HELM_RELEASE, PATCHES, podSpec, REPLICA_SET, REPLICATION_CONTROLLER, workload } from "./fixtures";
import { Props, violations } from "./harness";

const prod = (): StackFacts => ({ stack: "prod", target: "aks" });

/** Every violation the whole pack reports on one resource, prefixed by the policy's name. */
async function packViolations(type: string, props: Props): Promise<string[]> {
    const found: string[] = [];
    for (const policy of allPolicies(prod))
        for (const message of await violations(policy, type, props)) found.push(`${policy.name}: ${message}`);
    return found;
}

/** A pod spec whose only container breaks every mandatory rule. */
const offending = () =>
    podSpec([container("web", { image: "web:latest", resources: {}, securityContext: { runAsNonRoot: false } })]);

describe("the types the pack covers beyond Deployments", () => {
    for (const type of [REPLICA_SET, REPLICATION_CONTROLLER]) {
        it(`checks the pod template of a ${type}`, async () => {
            const names = (await packViolations(type, workload(type, offending(), 1))).map((v) => v.split(":")[0]);
            assert.deepStrictEqual(
                new Set(names),
                new Set([
                    "image-pinned-by-digest",
                    "no-latest-tag",
                    "run-as-non-root",
                    "resource-limits",
                    "replicas-for-availability",
                ]),
            );
        });
    }

    for (const type of PATCHES) {
        it(`checks what a ${type} changes: a tag, runAsNonRoot false, an empty limit`, async () => {
            const patch = podSpec(
                [
                    {
                        name: "web",
                        image: "web:1.2",
                        resources: { limits: { cpu: "" } },
                        securityContext: { runAsNonRoot: false },
                    },
                ],
                { securityContext: undefined },
            );
            const found = await packViolations(type, workload(type, patch));
            assert.ok(
                found.some((v) => v.startsWith('image-pinned-by-digest: container "web": image "web:1.2"')),
                found.join("\n"),
            );
            assert.ok(
                found.some((v) => v.startsWith('run-as-non-root: container "web": runAsNonRoot is false')),
                found.join("\n"),
            );
            assert.ok(
                found.some((v) => v.startsWith('resource-limits: container "web": no cpu limit')),
                found.join("\n"),
            );
        });

        it(`does not report what a ${type} leaves alone (only a digest, no securityContext, limits or probes)`, async () => {
            const patch = { containers: [{ name: "web", image: container("web").image }] };
            const props = workload(type, patch);
            delete (props.spec as Props).replicas;
            assert.deepStrictEqual(await packViolations(type, props), []);
        });
    }

    it("reports a DeploymentPatch that scales a production app down to 1", async () => {
        const type = "kubernetes:apps/v1:DeploymentPatch";
        const found = await packViolations(type, { metadata: { name: "backend" }, spec: { replicas: 1 } });
        assert.deepStrictEqual(found.length, 1, found.join("\n"));
        assert.match(found[0], /^replicas-for-availability: DeploymentPatch "backend" runs 1 replica/);
    });
});

describe("no-helm-release", () => {
    it("refuses a helm.sh/v3:Release, whose resources Helm installs unseen", async () => {
        const found = await violations(noHelmRelease, HELM_RELEASE, { chart: "nginx", values: {} });
        assert.strictEqual(found.length, 1);
        assert.match(
            found[0],
            /^Release "backend": Helm installs its chart's resources itself.*use kubernetes:helm\.sh\/v4:Chart/,
        );
    });

    it("is mandatory, and lets a helm.sh/v4:Chart and a Deployment through", async () => {
        assert.strictEqual(noHelmRelease.enforcementLevel, "mandatory");
        assert.deepStrictEqual(await violations(noHelmRelease, "kubernetes:helm.sh/v4:Chart", { chart: "nginx" }), []);
        assert.deepStrictEqual(
            await violations(
                noHelmRelease,
                "kubernetes:apps/v1:Deployment",
                workload("kubernetes:apps/v1:Deployment", podSpec([container("x")])),
            ),
            [],
        );
    });
});
