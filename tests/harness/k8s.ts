import { Registered } from "./mocks";

/** The parts of a Deployment's inputs the tests read. */
export interface DeploymentInputs {
    metadata: { name: string; namespace: string; labels: Record<string, string> };
    spec: {
        replicas: number;
        selector: { matchLabels: Record<string, string> };
        strategy: { type: string; rollingUpdate: { maxUnavailable: number; maxSurge: number } };
        template: { metadata: { labels: Record<string, string> }; spec: PodSpecInputs };
    };
}

export interface ContainerInputs {
    name: string;
    image: string;
    imagePullPolicy: string;
    ports: { name: string; containerPort: number }[];
    env: { name: string; value: string }[];
    readinessProbe?: { httpGet: { path: string; port: string } };
    livenessProbe?: { httpGet: { path: string; port: string } };
    resources: { requests: Record<string, string>; limits: Record<string, string> };
    securityContext: Record<string, unknown> & { capabilities?: { drop?: string[]; add?: string[] } };
    volumeMounts: { name: string; mountPath: string }[];
    lifecycle?: { preStop?: { sleep?: { seconds: number } } };
}

export interface PodSpecInputs {
    terminationGracePeriodSeconds?: number;
    securityContext: Record<string, unknown> & { seccompProfile?: { type: string } };
    containers: ContainerInputs[];
    volumes: { name: string; emptyDir?: Record<string, unknown> }[];
    imagePullSecrets?: { name: string }[];
    automountServiceAccountToken?: boolean;
}

export const deployment = (r: Registered): DeploymentInputs => r.inputs as unknown as DeploymentInputs;
export const podSpec = (r: Registered): PodSpecInputs => deployment(r).spec.template.spec;
