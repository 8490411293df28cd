import * as assert from "assert";
import { spawnSync } from "child_process";
import * as path from "path";

// scripts/ci/production-gate.js reads GitHub's "get an environment" answer. The fixtures follow
// that endpoint's shape: a rule per protection, `required_reviewers` with its reviewers and
// `prevent_self_review`, and `deployment_branch_policy` null when any branch may deploy.

const SCRIPT = path.resolve(__dirname, "..", "scripts", "ci", "production-gate.js");

function check(environment: object): { status: number | null; stderr: string } {
    const run = spawnSync(process.execPath, [SCRIPT], { input: JSON.stringify(environment), encoding: "utf8" });
    return { status: run.status, stderr: run.stderr };
}

const reviewers = (preventSelfReview: boolean) => ({
    id: 3755,
    node_id: "MDQ6R2F0ZTM3NTU=",
    type: "required_reviewers",
    prevent_self_review: preventSelfReview,
    reviewers: [{ type: "Team", reviewer: { id: 1, slug: "release-approvers" } }],
});
const branches = { protected_branches: false, custom_branch_policies: true };

describe("the production gate check", () => {
    it("passes an environment with reviewers, no self-review and selected branches", () => {
        const ok = check({
            name: "production",
            protection_rules: [reviewers(true)],
            deployment_branch_policy: branches,
        });
        assert.strictEqual(ok.status, 0, ok.stderr);
    });

    it("fails the environment a job creates by naming it: no rules at all", () => {
        const { status, stderr } = check({ name: "production", protection_rules: [], deployment_branch_policy: null });
        assert.strictEqual(status, 1);
        assert.match(stderr, /environment "production": no required reviewers .*GitHub Enterprise/);
        assert.match(stderr, /environment "production": any branch may deploy to it/);
    });

    it("fails when self-review is allowed (GitHub's default) or only a wait timer is set", () => {
        const self = check({
            name: "production",
            protection_rules: [reviewers(false)],
            deployment_branch_policy: branches,
        });
        assert.strictEqual(self.status, 1);
        assert.match(self.stderr, /self-review is allowed/);
        const timer = { id: 1, node_id: "x", type: "wait_timer", wait_timer: 30 };
        const waits = check({ name: "production", protection_rules: [timer], deployment_branch_policy: branches });
        assert.strictEqual(waits.status, 1);
        assert.match(waits.stderr, /no required reviewers/);
    });
});
