import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { DockerEngine } from "./dockerEngine";
import { addLink, freeSubnet, linkName, setSysctl } from "./network";
import { atExit, Daemon, freePort, run, startDaemon, stopDaemon, waitFor } from "./processes";
import { tool } from "./toolchain";

/** The pod sandbox image tests/e2e/images.sh builds from node/pause.c. */
export const PAUSE_IMAGE = process.env.STEVEDORE_E2E_PAUSE_IMAGE ?? "stevedore-e2e/pause:1";
const CLUSTER_DOMAIN = "cluster.local";

/**
 * One real Kubernetes node on this machine, for the scenarios that need containers to run:
 * Debian's containerd and runc, pod networking with Debian's CNI bridge and host-local plugins,
 * the kubelet and kube-proxy (iptables) built with the control plane, and CoreDNS (our own small
 * build) so pods resolve Service names. Its addresses are private: pods live on a bridge of
 * this run's own (10.232.x.0/24) whose gateway address (10.232.x.1) is the node's, so nothing
 * listens on a real network. Every daemon is stopped by its PID in `stop()`, after the
 * pods it ran are gone, and every link, sysctl, mount and cgroup it made is undone.
 */
export class RealNode {
    readonly name: string;
    /** The node's InternalIP, the pod bridge's own address: the kubelet, CoreDNS and NodePorts listen here. */
    nodeIp = "";
    podSubnet = "";
    private readonly daemons = new Map<string, Daemon>();
    private readonly undo: (() => void)[] = [];
    private readonly containerdSocket: string;
    private readonly cgroupRoot: string;
    private bridge = "";

    constructor(
        private readonly dir: string,
        private readonly kubeconfig: string,
    ) {
        fs.mkdirSync(dir, { recursive: true });
        const id = linkName("");
        this.name = `stevedore-node-${id}`;
        this.containerdSocket = path.join(dir, "containerd", "containerd.sock");
        this.cgroupRoot = `/stevedore-e2e-${id}`;
    }

    /** Starts the node and waits until it is Ready and its Services route. `docker` holds the pause image. */
    async start(docker: DockerEngine): Promise<void> {
        const d = (name: string) => path.join(this.dir, name);
        // Pods reach Services (DNAT on the host) and each other across the bridge through iptables.
        this.undo.push(setSysctl("net.ipv4.ip_forward", "1"), setSysctl("net.bridge.bridge-nf-call-iptables", "1"));
        this.podSubnet = freeSubnet("10.232");
        this.nodeIp = `${this.podSubnet}.1`;
        // Made here rather than by the CNI plugin, so the node's address exists before any pod does.
        this.bridge = linkName("stvc");
        this.undo.push(addLink(this.bridge, "bridge"));
        run("ip", ["addr", "add", `${this.nodeIp}/24`, "dev", this.bridge]);
        run("ip", ["link", "set", this.bridge, "up"]);

        await this.startContainerd();
        const pauseTar = d("pause.tar");
        docker.docker(["save", "-o", pauseTar, PAUSE_IMAGE]);
        this.ctr(["images", "import", pauseTar]);

        this.makeCgroups();
        this.undo.push(atExit(() => this.removeRuntimeLeftovers()));
        const dnsReady = await this.startCoreDns();
        const kubeletHealth = await this.startKubelet();
        await waitFor("the kubelet to be healthy", async () => ((await fetch(kubeletHealth)).ok ? true : undefined), 60_000, this.daemons.get("kubelet"));
        await waitFor(`node ${this.name} to be Ready`, () => (this.nodeReady() ? true : undefined), 120_000, this.daemons.get("kubelet"));
        const proxyHealth = await this.startKubeProxy();
        await waitFor("kube-proxy to be healthy", async () => ((await fetch(proxyHealth)).ok ? true : undefined), 60_000, this.daemons.get("kube-proxy"));
        await waitFor("CoreDNS to be ready", async () => ((await fetch(dnsReady)).ok ? true : undefined), 60_000, this.daemons.get("coredns"));
    }

    /** Lets containerd pull from a plain-HTTP registry (the local target's, on loopback). */
    trustRegistry(host: string): void {
        const dir = path.join(this.dir, "containerd", "certs.d", host);
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, "hosts.toml"), `server = "http://${host}"\n\n[host."http://${host}"]\n  capabilities = ["pull", "resolve"]\n`);
    }

    /** `ctr` in containerd's Kubernetes namespace, for what the CRI does not show (images, tasks). */
    ctr(args: string[]): string {
        return run("ctr", [`--address=${this.containerdSocket}`, "--namespace=k8s.io", ...args], { timeoutMs: 120_000 });
    }

    /** `ctr` for cleanup: its output, or "" when it fails (the task or container may be gone already). */
    private ctrQuietly(args: string[]): string {
        return runQuietly("ctr", [`--address=${this.containerdSocket}`, "--namespace=k8s.io", ...args]);
    }

    /** The kubelet's log so far (pull errors, probe failures). */
    kubeletLog(): string {
        const kubelet = this.daemons.get("kubelet");
        return kubelet === undefined ? "" : fs.readFileSync(kubelet.logFile, "utf8");
    }

    /**
     * Stops the node. Pods still on it are killed through containerd first, so no container,
     * shim, network namespace or mount outlives the test.
     */
    stop(): void {
        for (const name of ["kube-proxy", "kubelet", "coredns"]) this.stopOne(name);
        if (this.daemons.has("containerd")) this.removeContainers();
        this.stopOne("containerd");
        for (const undo of this.undo.splice(0).reverse()) undo();
    }

    /**
     * What must go even when the test process is killed and the daemons are already stopped
     * (registered with atExit): every process left in the kubelet's cgroups, containerd's shims,
     * the mounts under the node's dir, the cgroups themselves and kube-proxy's iptables chains.
     */
    private removeRuntimeLeftovers(): void {
        this.killCgroupProcesses();
        this.killShims();
        this.unmountUnder(this.dir);
        this.removeCgroups();
        const proxy = tool("kube-proxy");
        if (fs.existsSync(proxy)) runQuietly(proxy, ["--cleanup"]);
        removeKubeletChains();
    }

    private async startContainerd(): Promise<void> {
        const c = (name: string) => path.join(this.dir, "containerd", name);
        fs.mkdirSync(c("cni"), { recursive: true });
        fs.mkdirSync(c("certs.d"), { recursive: true });
        fs.writeFileSync(c("config.toml"), containerdConfig({ dir: path.join(this.dir, "containerd"), socket: this.containerdSocket }));
        fs.writeFileSync(c("cni/10-stevedore.conflist"), JSON.stringify(cniConfig(this.bridge, this.podSubnet, c("cni-ipam"))));
        this.start1("containerd", "containerd", [`--config=${c("config.toml")}`]);
        await waitFor("containerd to answer", () => (this.ctr(["version"]) ? true : undefined), 60_000, this.daemons.get("containerd"));
    }

    /** CoreDNS on the node's address: `kubernetes` answers cluster names from the API server. */
    private async startCoreDns(): Promise<string> {
        const readyPort = await freePort();
        const corefile = [
            `.:53 {`,
            `    bind ${this.nodeIp}`,
            `    ready 127.0.0.1:${readyPort}`,
            `    errors`,
            `    cache 5`,
            `    kubernetes ${CLUSTER_DOMAIN} in-addr.arpa ip6.arpa {`,
            `        kubeconfig ${this.kubeconfig}`,
            `        ttl 5`,
            `    }`,
            `}`,
        ].join("\n");
        fs.writeFileSync(path.join(this.dir, "Corefile"), `${corefile}\n`);
        this.start1("coredns", tool("coredns"), [`-conf=${path.join(this.dir, "Corefile")}`]);
        return `http://127.0.0.1:${readyPort}/ready`;
    }

    private async startKubelet(): Promise<string> {
        const d = (name: string) => path.join(this.dir, "kubelet", name);
        fs.mkdirSync(d("root"), { recursive: true });
        const [port, healthzPort] = await Promise.all([freePort(), freePort()]);
        const config = {
            apiVersion: "kubelet.config.k8s.io/v1beta1",
            kind: "KubeletConfiguration",
            address: this.nodeIp,
            port,
            readOnlyPort: 0,
            healthzBindAddress: "127.0.0.1",
            healthzPort,
            // Reached only on the node's private address by this test's API server: no client certs.
            authentication: { anonymous: { enabled: true }, webhook: { enabled: false } },
            authorization: { mode: "AlwaysAllow" },
            containerRuntimeEndpoint: `unix://${this.containerdSocket}`,
            // This machine has no systemd and mounts cgroup v1, which the kubelet refuses unless told.
            cgroupDriver: "cgroupfs",
            failCgroupV1: false,
            cgroupRoot: this.cgroupRoot,
            failSwapOn: false,
            clusterDNS: [this.nodeIp],
            clusterDomain: CLUSTER_DOMAIN,
            podLogsDir: d("pod-logs"),
            // A test node on a shared disk: never evict for disk or collect the imported pause image.
            evictionHard: { "memory.available": "100Mi", "nodefs.available": "1%", "imagefs.available": "1%" },
            imageGCHighThresholdPercent: 100,
            imageGCLowThresholdPercent: 99,
            serializeImagePulls: false,
            // Probe and status updates as often as on a real node; the node lease keeps it Ready.
            nodeStatusUpdateFrequency: "10s",
        };
        fs.writeFileSync(d("config.yaml"), stringify(config));
        this.start1("kubelet", tool("kubelet"), [
            `--config=${d("config.yaml")}`,
            `--kubeconfig=${this.kubeconfig}`,
            `--root-dir=${d("root")}`,
            `--hostname-override=${this.name}`,
            `--node-ip=${this.nodeIp}`,
            `--node-labels=stevedore.dev/e2e-node=real`,
            "--v=2",
        ]);
        return `http://127.0.0.1:${healthzPort}/healthz`;
    }

    private async startKubeProxy(): Promise<string> {
        const [healthz, metrics] = await Promise.all([freePort(), freePort()]);
        const config = {
            apiVersion: "kubeproxy.config.k8s.io/v1alpha1",
            kind: "KubeProxyConfiguration",
            clientConnection: { kubeconfig: this.kubeconfig },
            hostnameOverride: this.name,
            mode: "iptables",
            clusterCIDR: `${this.podSubnet}.0/24`,
            healthzBindAddress: `127.0.0.1:${healthz}`,
            metricsBindAddress: `127.0.0.1:${metrics}`,
            // NodePorts only on the node's private address, and the host's conntrack table left as it is.
            nodePortAddresses: [`${this.nodeIp}/32`],
            iptables: { localhostNodePorts: false },
            conntrack: { maxPerCore: 0 },
        };
        const file = path.join(this.dir, "kube-proxy.yaml");
        fs.writeFileSync(file, stringify(config));
        this.start1("kube-proxy", tool("kube-proxy"), [`--config=${file}`, "--v=2"]);
        return `http://127.0.0.1:${healthz}/healthz`;
    }

    private nodeReady(): boolean {
        try {
            const out = run(tool("kubectl"), [
                `--kubeconfig=${this.kubeconfig}`,
                "get",
                "node",
                this.name,
                "-o",
                'jsonpath={.status.conditions[?(@.type=="Ready")].status}',
            ]);
            return out.trim() === "True";
        } catch {
            return false;
        }
    }

    /** Kills every task containerd still runs for Kubernetes and removes its containers. */
    private removeContainers(): void {
        const ids = (args: string[]) =>
            this.ctrQuietly([...args, "-q"])
                .split("\n")
                .map((line) => line.trim().split(/\s+/)[0])
                .filter(Boolean);
        for (const id of ids(["tasks", "ls"])) {
            this.ctrQuietly(["tasks", "kill", "--signal=SIGKILL", id]);
        }
        for (let i = 0; i < 50 && ids(["tasks", "ls"]).length > 0; i++) run("sleep", ["0.2"]);
        for (const id of ids(["tasks", "ls"])) this.ctrQuietly(["tasks", "delete", "--force", id]);
        for (const id of ids(["containers", "ls"])) this.ctrQuietly(["containers", "delete", id]);
    }

    /** Shims of this containerd that outlived their tasks (they name its socket on their command line). */
    private killShims(): void {
        for (const pid of pidsWithArg(this.containerdSocket)) killQuietly(pid);
    }

    /** SIGKILL to every process in the kubelet's cgroup tree (pods' containers and sandboxes). */
    private killCgroupProcesses(): void {
        const top = path.join("/sys/fs/cgroup/pids", this.cgroupRoot);
        if (!fs.existsSync(top)) return;
        const pids = (dir: string): number[] => [
            ...fs.readFileSync(path.join(dir, "cgroup.procs"), "utf8").split("\n").filter(Boolean).map(Number),
            ...fs
                .readdirSync(dir, { withFileTypes: true })
                .filter((entry) => entry.isDirectory())
                .flatMap((entry) => pids(path.join(dir, entry.name))),
        ];
        for (const pid of pids(top)) killQuietly(pid);
        for (let i = 0; i < 50 && pids(top).length > 0; i++) run("sleep", ["0.1"]);
    }

    /** Unmounts what containerd and the kubelet left mounted under `dir` (rootfs, shm, network namespaces), deepest first. */
    private unmountUnder(dir: string): void {
        const mounts = fs
            .readFileSync("/proc/self/mounts", "utf8")
            .split("\n")
            .map((line) => line.split(" ")[1])
            .filter((target): target is string => target !== undefined && target.startsWith(`${dir}/`));
        for (const target of mounts.reverse()) runQuietly("umount", ["-l", target.replace(/\\040/g, " ")]);
    }

    /**
     * The kubelet's cgroup root in every v1 hierarchy: it must exist before the kubelet starts.
     * cpuset needs its CPUs and memory nodes copied from the parent before anything can join it.
     */
    private makeCgroups(): void {
        const base = "/sys/fs/cgroup";
        for (const hierarchy of fs.readdirSync(base)) {
            const parent = path.join(base, hierarchy);
            if (hierarchy === "unified" || fs.lstatSync(parent).isSymbolicLink()) continue;
            const dir = path.join(parent, this.cgroupRoot);
            fs.mkdirSync(dir, { recursive: true });
            if (hierarchy === "cpuset") {
                for (const file of ["cpuset.cpus", "cpuset.mems"]) fs.writeFileSync(path.join(dir, file), fs.readFileSync(path.join(parent, file)));
            }
        }
    }

    /** Removes the kubelet's cgroups (under its own cgroup root) in every v1 hierarchy, leaves first. */
    private removeCgroups(): void {
        const base = "/sys/fs/cgroup";
        if (!fs.existsSync(base)) return;
        for (const hierarchy of fs.readdirSync(base)) {
            const top = path.join(base, hierarchy, this.cgroupRoot);
            if (fs.existsSync(top)) removeCgroupTree(top);
        }
    }

    private start1(name: string, command: string, args: string[]): void {
        this.daemons.set(name, startDaemon(name, command, args, path.join(this.dir, `${name}.log`)));
    }

    private stopOne(name: string): void {
        const daemon = this.daemons.get(name);
        if (daemon === undefined) return;
        stopDaemon(daemon, 15_000);
        this.daemons.delete(name);
    }
}

function containerdConfig(options: { dir: string; socket: string }): string {
    const { dir, socket } = options;
    const cri = 'plugins."io.containerd.grpc.v1.cri"';
    return [
        "version = 2",
        `root = "${dir}/root"`,
        `state = "${dir}/state"`,
        // Snapshotters this machine cannot use only add errors to the log.
        'disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper"]',
        "",
        "[grpc]",
        `  address = "${socket}"`,
        "[ttrpc]",
        `  address = "${socket}.ttrpc"`,
        `[plugins."io.containerd.internal.v1.opt"]`,
        `  path = "${dir}/opt"`,
        `[${cri}]`,
        // Imported by the harness from its own image: nothing is pulled from Docker Hub.
        `  sandbox_image = "docker.io/${PAUSE_IMAGE}"`,
        // Pods' network namespaces under this run's state dir, not the host's /run/netns.
        "  netns_mounts_under_state_dir = true",
        // This machine's root lacks CAP_SYS_RESOURCE, so runc cannot lower a sandbox's
        // oom_score_adj to the kubelet's -998 (runc init dies: "can't get final child's PID").
        "  restrict_oom_score_adj = true",
        `[${cri}.containerd]`,
        '  snapshotter = "overlayfs"',
        '  default_runtime_name = "runc"',
        `[${cri}.containerd.runtimes.runc]`,
        '  runtime_type = "io.containerd.runc.v2"',
        `[${cri}.containerd.runtimes.runc.options]`,
        "  SystemdCgroup = false",
        `[${cri}.cni]`,
        '  bin_dir = "/usr/lib/cni"',
        `  conf_dir = "${dir}/cni"`,
        `[${cri}.registry]`,
        // Per-registry hosts.toml files (trustRegistry), read at each pull.
        `  config_path = "${dir}/certs.d"`,
        "",
    ].join("\n");
}

function cniConfig(bridge: string, subnet: string, ipamDir: string): Record<string, unknown> {
    return {
        cniVersion: "0.4.0",
        name: "stevedore-e2e",
        plugins: [
            {
                type: "bridge",
                bridge,
                isGateway: true,
                // Pods only talk to each other, the node and Services: no NAT to the outside.
                ipMasq: false,
                // A pod reaching its own Service may be sent back to itself.
                hairpinMode: true,
                ipam: { type: "host-local", ranges: [[{ subnet: `${subnet}.0/24` }]], routes: [{ dst: "0.0.0.0/0" }], dataDir: ipamDir },
            },
            { type: "portmap", capabilities: { portMappings: true } },
        ],
    };
}

/**
 * The kubelet's own host-wide iptables chains (its canaries and the localnet firewall), which it
 * leaves behind when it stops. A test machine runs no other kubelet, so they are ours to remove.
 */
function removeKubeletChains(): void {
    for (const hook of ["INPUT", "OUTPUT"]) runQuietly("iptables", ["-D", hook, "-j", "KUBE-FIREWALL"]);
    const chains: [string, string][] = [
        ["filter", "KUBE-FIREWALL"],
        ["filter", "KUBE-KUBELET-CANARY"],
        ["nat", "KUBE-KUBELET-CANARY"],
        ["mangle", "KUBE-KUBELET-CANARY"],
        ["mangle", "KUBE-IPTABLES-HINT"],
    ];
    for (const [table, chain] of chains) {
        runQuietly("iptables", ["-t", table, "-F", chain]);
        runQuietly("iptables", ["-t", table, "-X", chain]);
    }
}

function killQuietly(pid: number): void {
    try {
        process.kill(pid, "SIGKILL");
    } catch {
        // Already gone.
    }
}

function runQuietly(command: string, args: string[]): string {
    try {
        return run(command, args, { timeoutMs: 60_000 });
    } catch {
        return "";
    }
}

/** PIDs of processes whose command line contains `arg` (containerd's shims name its socket). */
function pidsWithArg(arg: string): number[] {
    const pids: number[] = [];
    for (const entry of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(entry)) continue;
        try {
            if (fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").some((part) => part.includes(arg))) pids.push(Number(entry));
        } catch {
            // The process ended while we looked.
        }
    }
    return pids;
}

function removeCgroupTree(dir: string): void {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) removeCgroupTree(path.join(dir, entry.name));
    }
    try {
        fs.rmdirSync(dir);
    } catch {
        // A cgroup with a process left in it stays; the next boot clears it.
    }
}

