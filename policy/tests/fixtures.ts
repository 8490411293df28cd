import { Props } from "./harness";

export const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
export const STATEFUL_SET = "kubernetes:apps/v1:StatefulSet";
export const DAEMON_SET = "kubernetes:apps/v1:DaemonSet";
export const JOB = "kubernetes:batch/v1:Job";
export const CRON_JOB = "kubernetes:batch/v1:CronJob";
export const POD = "kubernetes:core/v1:Pod";
export const REPLICA_SET = "kubernetes:apps/v1:ReplicaSet";
export const REPLICATION_CONTROLLER = "kubernetes:core/v1:ReplicationController";
export const WORKLOADS = [
    DEPLOYMENT,
    STATEFUL_SET,
    DAEMON_SET,
    JOB,
    CRON_JOB,
    POD,
    REPLICA_SET,
    REPLICATION_CONTROLLER,
];
/** Each workload's server-side-apply patch, which nests its pod template the same way. */
export const PATCHES = WORKLOADS.map((type) => `${type}Patch`);
export const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";

/** A digest reference as stevedore's AppImage.ref produces it. */
export function pinned(app: string): string {
    return `localhost:5001/${app}@sha256:${"0123456789abcdef".repeat(4)}`;
}

/** A container that meets every rule of the pack; `changes` replaces fields (undefined removes one). */
export function container(name: string, changes: Props = {}): Props {
    const probe = { httpGet: { path: "/healthz", port: "http" } };
    return {
        name,
        image: pinned(name),
        imagePullPolicy: "IfNotPresent",
        resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
        securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false },
        readinessProbe: probe,
        livenessProbe: probe,
        ...changes,
    };
}

/** A pod spec that runs as non-root at pod level. */
export function podSpec(containers: Props[], changes: Props = {}): Props {
    return { securityContext: { runAsNonRoot: true, runAsUser: 10001 }, containers, ...changes };
}

/** The inputs of a workload of `type` around `spec`, nested the way that kind nests its pod template. */
export function workload(type: string, spec: Props, replicas: unknown = 2): Props {
    type = type.replace(/Patch$/, "");
    const template = { metadata: { labels: { app: "backend" } }, spec };
    const metadata = { name: "backend", namespace: "stevedore" };
    switch (type) {
        case POD:
            return { metadata, spec };
        case CRON_JOB:
            return { metadata, spec: { schedule: "*/5 * * * *", jobTemplate: { spec: { template } } } };
        case JOB:
        case DAEMON_SET:
            return { metadata, spec: { template } };
        default:
            return { metadata, spec: { replicas, selector: { matchLabels: { app: "backend" } }, template } };
    }
}
