#!/usr/bin/env node
// Reads GitHub's "get an environment" answer (GET /repos/{owner}/{repo}/environments/{name}) on
// stdin and exits 1, naming each gap, unless the environment really gates a deploy: a required
// reviewers rule with at least one reviewer, self-review prevented, and deployments limited to
// chosen branches. An environment that a job creates by naming it has none of these, and on a
// private repository outside GitHub Enterprise the reviewers rule is not available at all.
"use strict";

/**
 * @typedef {{ type?: string, reviewers?: unknown[], prevent_self_review?: boolean }} ProtectionRule
 * @typedef {{ name?: string, protection_rules?: ProtectionRule[], deployment_branch_policy?: object | null }} Environment
 */

/**
 * The gaps of one environment, as sentences; empty when it gates.
 * @param {Environment} environment
 * @returns {string[]}
 */
function gaps(environment) {
    const rules = Array.isArray(environment.protection_rules) ? environment.protection_rules : [];
    const reviewers = rules.find((rule) => rule.type === "required_reviewers");
    const found = [];
    if (reviewers === undefined || !Array.isArray(reviewers.reviewers) || reviewers.reviewers.length === 0) {
        found.push(
            "no required reviewers (Settings > Environments > Required reviewers; private repositories need GitHub Enterprise for it)",
        );
    } else if (reviewers.prevent_self_review !== true) {
        found.push(
            "self-review is allowed: whoever pushed to main can approve their own rollout (tick 'Prevent self-review')",
        );
    }
    if (environment.deployment_branch_policy === null || environment.deployment_branch_policy === undefined) {
        found.push("any branch may deploy to it (Deployment branches and tags: Selected branches, main)");
    }
    return found;
}

if (require.main === module) {
    let input = "";
    process.stdin.on("data", (chunk) => (input += chunk));
    process.stdin.on("end", () => {
        const environment = /** @type {Environment} */ (JSON.parse(input));
        const found = gaps(environment);
        for (const gap of found) console.error(`environment "${environment.name ?? ""}": ${gap}`);
        if (found.length > 0) process.exit(1);
        console.log(
            `environment "${environment.name}" gates the deploy: required reviewers, no self-review, selected branches`,
        );
    });
}

module.exports = { gaps };
