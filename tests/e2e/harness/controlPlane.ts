import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { clientCertificate, makePki, Pki } from "./pki";
import { Daemon, freePort, run, startDaemon, stopDaemon, waitFor } from "./processes";
import { tool, toolchainDir } from "./toolchain";

/** Name of the fake node kwok keeps Ready; pods scheduled to it become Ready without running. */
export const KWOK_NODE = "kwok-node-0";

/**
 * A Kubernetes control plane of the test's own on 127.0.0.1: etcd, kube-apiserver
 * (PodSecurity admission on, RBAC, service-account keys), kube-controller-manager,
 * kube-scheduler and, unless the scenarios bring a real node, kwok with one fake node. The test authenticates with a bearer token of a
 * `system:masters` user, written into a kubeconfig the stack reads like a user's.
 */
export class ControlPlane {
    /** Kubeconfig of the test's admin user; context `stevedore-e2e`. */
    readonly kubeconfig: string;
    private readonly daemons: Daemon[] = [];
    private pki: Pki | undefined;
    private server: string | undefined;

    constructor(private readonly dir: string) {
        fs.mkdirSync(dir, { recursive: true });
        this.kubeconfig = path.join(dir, "kubeconfig");
    }

    /** `kwok: false` starts no fake node (the real-node scenarios add their own node instead). */
    async start(options: { kwok: boolean } = { kwok: true }): Promise<void> {
        const d = (name: string) => path.join(this.dir, name);
        const pki = makePki(d("pki"));
        this.pki = pki;
        const [etcdClient, etcdPeer, apiPort] = await Promise.all([freePort(), freePort(), freePort()]);

        // etcd's data on tmpfs when there is one: its fsyncs are most of the API server's write latency.
        const etcdData = fs.mkdtempSync(path.join(fs.existsSync("/dev/shm") ? "/dev/shm" : this.dir, "stevedore-e2e-etcd-"));
        fs.symlinkSync(etcdData, d("etcd-data"));
        const etcd = this.start1("etcd", tool("etcd"), [
            "--name=e2e",
            `--data-dir=${etcdData}`,
            `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
            `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
            `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
            `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
            `--initial-cluster=e2e=http://127.0.0.1:${etcdPeer}`,
        ]);
        await waitFor("etcd to be healthy", async () => ((await fetch(`http://127.0.0.1:${etcdClient}/health`)).ok ? true : undefined), 60_000, etcd);

        const token = crypto.randomBytes(24).toString("hex");
        fs.writeFileSync(d("tokens.csv"), `${token},stevedore-e2e-admin,1,"system:masters"\n`, { mode: 0o600 });
        const server = `https://127.0.0.1:${apiPort}`;
        this.server = server;
        const apiserver = this.start1("kube-apiserver", tool("kube-apiserver"), [
            `--etcd-servers=http://127.0.0.1:${etcdClient}`,
            "--bind-address=127.0.0.1",
            "--advertise-address=127.0.0.1",
            `--secure-port=${apiPort}`,
            `--tls-cert-file=${pki.serverCert}`,
            `--tls-private-key-file=${pki.serverKey}`,
            `--client-ca-file=${pki.caCert}`,
            `--token-auth-file=${d("tokens.csv")}`,
            "--authorization-mode=RBAC",
            // As on real clusters: privileged pods are allowed by the API server, so refusing them is PSA's job.
            "--allow-privileged=true",
            "--service-account-issuer=https://kubernetes.default.svc",
            `--service-account-key-file=${pki.saPub}`,
            `--service-account-signing-key-file=${pki.saKey}`,
            "--service-cluster-ip-range=10.96.0.0/24",
            // The real node's name resolves nowhere: reach its kubelet (port-forward, logs) by its address.
            "--kubelet-preferred-address-types=InternalIP",
            // PodSecurity is on by default; naming it keeps that true if the defaults ever change.
            "--enable-admission-plugins=PodSecurity",
            `--cert-dir=${d("apiserver-certs")}`,
        ]);
        this.writeKubeconfig(server, pki.caCert, token);
        await waitFor("kube-apiserver to be ready", () => (this.kubectlRaw(["get", "--raw=/readyz"]) === "ok" ? true : undefined), 120_000, apiserver);

        // Flags both controllers share: the admin kubeconfig for everything, serving on loopback.
        const controller = async (certDir: string) => [
            ...["kubeconfig", "authentication-kubeconfig", "authorization-kubeconfig"].map((flag) => `--${flag}=${this.kubeconfig}`),
            "--bind-address=127.0.0.1",
            `--secure-port=${await freePort()}`,
            "--leader-elect=false",
            `--cert-dir=${d(certDir)}`,
        ];
        this.start1("kube-controller-manager", tool("kube-controller-manager"), [
            ...(await controller("kcm-certs")),
            `--service-account-private-key-file=${pki.saKey}`,
            `--root-ca-file=${pki.caCert}`,
            "--use-service-account-credentials=false",
        ]);
        this.start1("kube-scheduler", tool("kube-scheduler"), await controller("scheduler-certs"));
        if (options.kwok) await this.startKwok();
        // Pods need the namespace's default service account, which the controller manager makes.
        await waitFor("the default service account", () => (this.kubectlRaw(["get", "serviceaccount", "default", "-o", "name"]) ? true : undefined), 60_000);
    }

    private async startKwok(): Promise<void> {
        const kwok = this.start1("kwok", tool("kwok"), [
            `--kubeconfig=${this.kubeconfig}`,
            `--config=${path.join(toolchainDir(), "kwok-stages.yaml")}`,
            "--manage-all-nodes=false",
            "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
            `--server-address=127.0.0.1:${await freePort()}`,
            "--node-lease-duration-seconds=40",
        ]);
        this.kubectl(["apply", "-f", "-"], stringify(fakeNode()));
        await waitFor(`node ${KWOK_NODE} to be Ready`, () => {
            const ready = this.kubectlRaw(["get", "node", KWOK_NODE, "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}"]);
            return ready === "True" ? true : undefined;
        }, 60_000, kwok);
    }

    /**
     * A kubeconfig that carries only `user`'s client certificate (signed by this control plane's
     * CA, groups as its O fields): no admin token, so the user can do only what RBAC bindings give it.
     */
    userKubeconfig(user: string, groups: string[], namespace: string): string {
        if (this.pki === undefined || this.server === undefined) throw new Error("the control plane is not started");
        const { cert, key } = clientCertificate(this.pki, path.join(this.dir, "users"), user, groups);
        const b64 = (file: string) => fs.readFileSync(file).toString("base64");
        const file = path.join(this.dir, "users", `${user}.kubeconfig`);
        const config = {
            apiVersion: "v1",
            kind: "Config",
            clusters: [{ name: "stevedore-e2e", cluster: { server: this.server, "certificate-authority-data": b64(this.pki.caCert) } }],
            users: [{ name: user, user: { "client-certificate-data": b64(cert), "client-key-data": b64(key) } }],
            contexts: [{ name: user, context: { cluster: "stevedore-e2e", user, namespace } }],
            "current-context": user,
        };
        fs.writeFileSync(file, stringify(config), { mode: 0o600 });
        return file;
    }

    /** kubectl against this control plane; throws with its output on failure. */
    kubectl(args: string[], input?: string): string {
        return run(tool("kubectl"), [`--kubeconfig=${this.kubeconfig}`, ...args], { input });
    }

    /** Parsed `kubectl get -o json`. */
    getJson<T>(args: string[]): T {
        return JSON.parse(this.kubectl(["get", ...args, "-o", "json"])) as T;
    }

    /** kubectl's trimmed stdout, or "" when it fails (for polling). */
    kubectlRaw(args: string[]): string {
        try {
            return this.kubectl(args).trim();
        } catch {
            return "";
        }
    }

    stop(): void {
        for (const daemon of this.daemons.reverse()) stopDaemon(daemon);
        this.daemons.length = 0;
        const etcdLink = path.join(this.dir, "etcd-data");
        if (fs.existsSync(etcdLink)) fs.rmSync(fs.realpathSync(etcdLink), { recursive: true, force: true });
    }

    private start1(name: string, command: string, args: string[]): Daemon {
        const daemon = startDaemon(name, command, args, path.join(this.dir, `${name}.log`));
        this.daemons.push(daemon);
        return daemon;
    }

    private writeKubeconfig(server: string, caCert: string, token: string): void {
        const config = {
            apiVersion: "v1",
            kind: "Config",
            clusters: [{ name: "stevedore-e2e", cluster: { server, "certificate-authority-data": fs.readFileSync(caCert).toString("base64") } }],
            users: [{ name: "stevedore-e2e-admin", user: { token } }],
            contexts: [{ name: "stevedore-e2e", context: { cluster: "stevedore-e2e", user: "stevedore-e2e-admin", namespace: "default" } }],
            "current-context": "stevedore-e2e",
        };
        fs.writeFileSync(this.kubeconfig, stringify(config), { mode: 0o600 });
    }
}

function fakeNode(): Record<string, unknown> {
    const resources = { cpu: "32", memory: "256Gi", pods: "110" };
    return {
        apiVersion: "v1",
        kind: "Node",
        metadata: {
            name: KWOK_NODE,
            annotations: { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" },
            labels: { "kubernetes.io/hostname": KWOK_NODE, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", type: "kwok" },
        },
        status: { allocatable: resources, capacity: resources },
    };
}
