import * as assert from "assert";
import { configErrorOf, runFailing } from "./harness/program";
import { stackConfig, withConfig } from "./harness/stacks";

const dev = stackConfig("dev");
const SECRET_KEYS = ["registryPassword", "pullPassword", "kubeconfig"];

/** Runs `config`, expects a config error, checks nothing was registered and returns the message. */
async function rejected(edit: (c: Record<string, unknown>) => void): Promise<string> {
    return configErrorOf(await runFailing(withConfig(dev, edit), {}, SECRET_KEYS));
}

const registry = (block: Record<string, unknown>) => (c: Record<string, unknown>) =>
    (c["stevedore:registry"] = { kind: "generic", ...block });

/** Regex source for a literal string. */
const lit = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

describe("generic registry and kubeconfig cluster: config errors", () => {
    const addresses: [string, string][] = [
        ["http://registry.lab:5000", "is a plain-HTTP registry: set insecure: true to allow it"],
        ["docker.io", "Docker Hub needs a namespace: write docker.io/<user>"],
        [
            "docker.io/library",
            "docker.io/library holds only Docker's official images; push to your own namespace: docker.io/<user>",
        ],
        [
            "docker.io/MyUser",
            'must be lowercase (image references cannot hold capital letters): write "docker.io/myuser"',
        ],
        ["docker.io/myuser/apps", "Docker Hub has a single namespace level: write docker.io/<user>"],
        ["docker.io/my.user", "\"my.user\" is not a Docker Hub namespace: use lowercase letters, digits, '-' and '_'"],
        [
            "myuser",
            'must start with the registry\'s host; "myuser" is not a host name (for Docker Hub write docker.io/myuser)',
        ],
        ["hub.docker.com/myuser", "hub.docker.com is Docker Hub's website; its registry is docker.io"],
        ["ghcr.io", "ghcr.io needs a namespace: write ghcr.io/<owner>"],
        ["docker.io/myuser:latest", "must be a registry address and namespace without a tag or digest"],
        ["ftp://registry.lab", "the scheme may only be https:// or http:// (or none), not ftp://"],
        ["harbor.example.com/team/", 'namespace part "" is not allowed'],
        ["harbor.example.com/Team", "must be lowercase"],
    ];
    for (const [address, problem] of addresses) {
        it(`rejects address ${address}, naming key, value and what is allowed`, async () => {
            const message = await rejected(registry({ address }));
            assert.match(
                message,
                new RegExp(`stevedore:registry\\.address = ${lit(JSON.stringify(address))}: ${lit(problem)}`),
            );
        });
    }

    it("rejects insecure: true with an https:// address, and a non-boolean insecure", async () => {
        let message = await rejected(registry({ address: "https://harbor.example.com/team", insecure: true }));
        assert.match(message, /stevedore:registry\.insecure = true: must be false for an https:\/\/ address/);
        message = await rejected(registry({ address: "registry.lab:5000", insecure: "yes" }));
        assert.match(message, /stevedore:registry\.insecure = "yes": must be (a boolean|true or false)/);
    });

    it("rejects an unknown kind, an unknown key and a bad pull mode, listing what is allowed", async () => {
        let message = await rejected((c) => (c["stevedore:registry"] = { kind: "dockerhub", address: "docker.io/me" }));
        assert.match(message, /stevedore:registry\.kind = "dockerhub": must be one of "generic"/);
        message = await rejected(registry({ adress: "docker.io/me" }));
        assert.match(
            message,
            /stevedore:registry\.adress = "docker\.io\/me": unknown key; allowed keys here: kind, address, insecure, pull/,
        );
        assert.match(message, /stevedore:registry\.address = nothing \(the key is missing\): must be a string/);
        message = await rejected(registry({ address: "docker.io/me", pull: "always" }));
        assert.match(message, /stevedore:registry\.pull = "always": must be one of "anonymous", "secret"/);
        message = await rejected((c) => (c["stevedore:registry"] = "docker.io/me"));
        assert.match(message, /stevedore:registry = "docker\.io\/me": must be a map/);
    });

    it("needs credentials for pull: secret, and refuses pull credentials that anonymous pulls would ignore", async () => {
        let message = await rejected(registry({ address: "docker.io/me", pull: "secret" }));
        assert.match(
            message,
            /stevedore:registry\.pull = "secret": needs credentials: set stevedore:pullUsername and stevedore:pullPassword/,
        );
        message = await rejected((c) => {
            registry({ address: "docker.io/me", pull: "anonymous" })(c);
            Object.assign(c, { "stevedore:pullUsername": "me", "stevedore:pullPassword": "dckr_pat_ro" });
        });
        assert.match(
            message,
            /stevedore:registry\.pull = "anonymous": must be "secret" when stevedore:pullUsername \/ stevedore:pullPassword are set/,
        );
    });

    it("needs both pull keys, only with a registry block, and never echoes the pull password", async () => {
        let message = await rejected((c) => {
            registry({ address: "docker.io/me" })(c);
            c["stevedore:pullPassword"] = "dckr_pat_ro_SECRET";
        });
        assert.match(message, /stevedore:pullUsername \/ stevedore:pullPassword: give both or neither/);
        assert.doesNotMatch(message, /dckr_pat_ro_SECRET/);
        message = await rejected((c) =>
            Object.assign(c, { "stevedore:pullUsername": "me", "stevedore:pullPassword": "dckr_pat_ro_SECRET" }),
        );
        assert.match(
            message,
            /stevedore:pullUsername \/ stevedore:pullPassword: only a stevedore:registry block \(kind generic\) uses pull credentials/,
        );
        assert.doesNotMatch(message, /dckr_pat_ro_SECRET/);
    });

    it("rejects a kubeconfig path that does not exist, and an unknown cluster kind", async () => {
        let message = await rejected(
            (c) => (c["stevedore:cluster"] = { kind: "kubeconfig", path: "/nonexistent/kubeconfig" }),
        );
        assert.match(
            message,
            /stevedore:cluster\.path = "\/nonexistent\/kubeconfig": no such file: give a kubeconfig file's path/,
        );
        message = await rejected((c) => (c["stevedore:cluster"] = { kind: "aks", context: "prod" }));
        assert.match(message, /stevedore:cluster\.kind = "aks": must be one of "kubeconfig"/);
        message = await rejected((c) => (c["stevedore:cluster"] = { kind: "kubeconfig", contxt: "prod" }));
        assert.match(
            message,
            /stevedore:cluster\.contxt = "prod": unknown key; allowed keys here: kind, path, context/,
        );
    });

    it("rejects inline kubeconfig contents with a path, without a cluster block, or that are not a kubeconfig, never echoing them", async () => {
        const inline =
            "apiVersion: v1\nclusters:\n- name: c\n  cluster: {server: https://k8s.example.com, token: TOPSECRET}\n";
        let message = await rejected((c) =>
            Object.assign(c, {
                "stevedore:cluster": { kind: "kubeconfig", path: __filename },
                "stevedore:kubeconfig": inline,
            }),
        );
        assert.match(
            message,
            /stevedore:cluster\.path = ".*": cannot be combined with stevedore:kubeconfig \(inline contents\); give one of them/,
        );
        message = await rejected((c) => (c["stevedore:kubeconfig"] = inline));
        assert.match(
            message,
            /stevedore:kubeconfig: only stevedore:cluster \{kind: kubeconfig\} reads inline kubeconfig contents/,
        );
        message = await rejected((c) =>
            Object.assign(c, {
                "stevedore:cluster": { kind: "kubeconfig" },
                "stevedore:kubeconfig": "/home/me/.kube/TOPSECRET",
            }),
        );
        assert.match(
            message,
            /stevedore:kubeconfig = "\[secret\]": must be a kubeconfig's contents .*; for a file path use stevedore:cluster\.path/,
        );
        assert.doesNotMatch(message, /TOPSECRET/);
    });

    it("needs stevedore:target unless both the registry and the cluster are replaced", async () => {
        const message = await rejected((c) => {
            delete c["stevedore:target"];
            registry({ address: "docker.io/me" })(c);
        });
        assert.match(
            message,
            /stevedore:target = nothing \(the key is missing\): must be one of "local".* \(it may be left out only when both stevedore:registry and stevedore:cluster are set\)/,
        );
    });
});
