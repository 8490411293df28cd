import * as assert from "assert";
import fc from "fast-check";
import { VARIANTS } from "./harness/arbitraries";
import { stubAcrExchange } from "./harness/azureMocks";
import { acceptedCase, anyCase, chaosCase, Generated, invalidCase } from "./harness/mutations";
import { PropertyReport, RUNS, SAMPLE, SEED } from "./harness/propertyReport";
import { stackConfig } from "./harness/stacks";
import { loaderVerdict, programVerdict, Verdict } from "./harness/verdicts";

/**
 * Generated stack configs, valid and mutated, for every target and override (docs/reliability.md).
 * `STEVEDORE_PROPERTY_SEED`, `STEVEDORE_PROPERTY_RUNS` and `STEVEDORE_PROPERTY_SAMPLE` change the
 * seed and the counts; a failure prints fast-check's seed and shrunk counterexample.
 */
describe("generated stack configs (property-based)", function () {
    this.timeout(600_000);
    const report = new PropertyReport();
    let exchange: ReturnType<typeof stubAcrExchange>;
    before(() => {
        report.start();
        exchange = stubAcrExchange();
    });
    after(() => {
        exchange.restore();
        console.log(report.text());
    });

    const throwOn = (level: string, c: Generated, verdict: Verdict) => {
        report.count(level, c, verdict);
        if (verdict.counterexample !== undefined) throw new Error(verdict.counterexample);
    };

    it("judges its own oracle: a wrong expectation is reported as a counterexample", () => {
        const dev = stackConfig("dev");
        const claimedInvalid = loaderVerdict({
            variant: "local",
            config: dev,
            secretKeys: [],
            expected: { kind: "reject", keys: ["stevedore:apps"], mutation: "none" },
        });
        assert.match(claimedInvalid.counterexample ?? "", /invalid config accepted/);
        const wrongKey = loaderVerdict({
            variant: "local",
            config: { ...dev, "stevedore:bogus": 1 },
            secretKeys: [],
            expected: { kind: "reject", keys: ["stevedore:other"], mutation: "typo" },
        });
        assert.match(wrongKey.counterexample ?? "", /does not name stevedore:other/);
        const unwarned = loaderVerdict({
            variant: "local",
            config: dev,
            secretKeys: [],
            expected: { kind: "accept", plaintext: ["registryPassword"] },
        });
        assert.match(unwarned.counterexample ?? "", /plain-text warnings for \[\]/);
    });

    it(`validates ${RUNS} configs across every target and override through the program's config loader`, () => {
        report.check(
            fc.check(
                fc.property(anyCase, (c) => {
                    const verdict = loaderVerdict(c);
                    throwOn("loader", c, verdict);
                }),
                { seed: SEED, numRuns: RUNS },
            ),
        );
        const t = report.tally("loader");
        assert.ok(t.rejected > RUNS / 2 && t.accepted > RUNS / 10, `rejected ${t.rejected}, accepted ${t.accepted}`);
        assert.deepStrictEqual([...report.variants].sort(), [...VARIANTS].sort());
        for (const m of [
            "unknown top-level key",
            "unknown app key",
            "wrong type",
            "out of range",
            "bad name",
            "missing required key",
            "conflicting keys",
        ]) {
            assert.ok(report.mutations.has(m), `no "${m}" mutation was generated`);
        }
    });

    for (const variant of VARIANTS) {
        it(`${variant}: the whole program registers digest-pinned Deployments for valid configs and nothing for invalid ones`, async () => {
            const judged = async (c: Generated) => throwOn("program", c, await programVerdict(c));
            report.check(
                await fc.check(fc.asyncProperty(acceptedCase(variant), judged), { seed: SEED, numRuns: SAMPLE }),
            );
            const rejected = fc.oneof(
                { weight: 4, arbitrary: invalidCase(variant) },
                { weight: 1, arbitrary: chaosCase(variant) },
            );
            report.check(await fc.check(fc.asyncProperty(rejected, judged), { seed: SEED, numRuns: SAMPLE * 10 }));
        });
    }
});
