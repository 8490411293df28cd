import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AppSettings } from "../config/app";

type PodSpec = k8s.types.input.core.v1.PodSpec;
type Container = k8s.types.input.core.v1.Container;

/** A pod-level securityContext that the Pod Security `restricted` profile admits. */
export function restrictedPodSecurity(runAsUser: number): k8s.types.input.core.v1.PodSecurityContext {
    return {
        runAsNonRoot: true,
        runAsUser,
        runAsGroup: runAsUser,
        fsGroup: runAsUser,
        seccompProfile: { type: "RuntimeDefault" },
    };
}

/** A container-level securityContext that the Pod Security `restricted` profile admits. */
export const RESTRICTED_CONTAINER_SECURITY: k8s.types.input.core.v1.SecurityContext = {
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
};

export interface PodSpecInputs {
    app: AppSettings;
    /** Digest reference of the image: `repo@sha256:…`. */
    image: pulumi.Input<string>;
    imagePullSecrets: pulumi.Input<string>[];
}

function appContainer({ app, image }: PodSpecInputs): Container {
    const probe = { httpGet: { path: app.healthPath, port: "http" } };
    return {
        name: app.name,
        image,
        // The image is pinned by digest, so a cached copy is always the right one.
        imagePullPolicy: "IfNotPresent",
        ports: [{ name: "http", containerPort: app.port, protocol: "TCP" }],
        env: [
            { name: "PORT", value: String(app.port) },
            ...Object.entries(app.env)
                .sort(([a], [b]) => a.localeCompare(b))
                .map(([name, value]) => ({ name, value })),
        ],
        readinessProbe: { ...probe, initialDelaySeconds: 2, periodSeconds: 5, failureThreshold: 3 },
        // A pod is removed from its Service's endpoints while it gets SIGTERM: without a pause,
        // requests still routed to it are refused (measured on a real node: 16 of 1,200 in a roll).
        lifecycle: app.drainSeconds > 0 ? { preStop: { sleep: { seconds: app.drainSeconds } } } : undefined,
        livenessProbe: { ...probe, initialDelaySeconds: 10, periodSeconds: 10, failureThreshold: 3 },
        resources: { requests: { ...app.resources.requests }, limits: { ...app.resources.limits } },
        securityContext: RESTRICTED_CONTAINER_SECURITY,
        volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
    };
}

/** The pod spec of an app: one hardened container, a writable /tmp on an emptyDir, pull secrets when needed. */
export function appPodSpec(inputs: PodSpecInputs): PodSpec {
    return {
        automountServiceAccountToken: false,
        // The drain pause counts against the grace period: keep the default 30 s after it.
        terminationGracePeriodSeconds: inputs.app.drainSeconds + 30,
        securityContext: restrictedPodSecurity(inputs.app.runAsUser),
        containers: [appContainer(inputs)],
        volumes: [{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }],
        imagePullSecrets:
            inputs.imagePullSecrets.length > 0 ? inputs.imagePullSecrets.map((name) => ({ name })) : undefined,
    };
}
