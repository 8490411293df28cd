import * as k8s from "@pulumi/kubernetes";
import { AppSettings } from "../config/app";

type Probe = k8s.types.input.core.v1.Probe;
type ProbeTiming = { initialDelaySeconds?: number; periodSeconds?: number; failureThreshold?: number };

/** The app's port, or undefined for a worker (`port: none`). */
export function appPort(app: AppSettings): number | undefined {
    return app.port === "none" ? undefined : app.port;
}

/** The check itself; undefined when the app asks for none (or, by default, has no port). */
function check(app: AppSettings): Probe | undefined {
    const port = appPort(app);
    const probe = app.probe ?? (port === undefined ? { type: "none" as const } : { type: "http" as const });
    switch (probe.type) {
        case "http":
            return { httpGet: { path: probe.path ?? app.healthPath, port: "http" } };
        case "tcp":
            return { tcpSocket: { port: "http" } };
        case "grpc":
            // The gRPC probe takes a number, not a port name. The schema ensures a port exists.
            return { grpc: { port: port ?? 0, service: probe.service } };
        case "exec":
            return { exec: { command: probe.command } };
        case "none":
            return undefined;
    }
}

/** Readiness and liveness probes of the app's container: the same check, liveness later and slower. */
export function appProbes(app: AppSettings): { readinessProbe?: Probe; livenessProbe?: Probe } {
    const probe = check(app);
    if (probe === undefined) return {};
    const timing: ProbeTiming = app.probe !== undefined && app.probe.type !== "none" ? app.probe : {};
    return {
        readinessProbe: {
            ...probe,
            initialDelaySeconds: timing.initialDelaySeconds ?? 2,
            periodSeconds: timing.periodSeconds ?? 5,
            failureThreshold: timing.failureThreshold ?? 3,
        },
        livenessProbe: {
            ...probe,
            initialDelaySeconds: (timing.initialDelaySeconds ?? 0) + 10,
            periodSeconds: Math.max(timing.periodSeconds ?? 10, 10),
            failureThreshold: timing.failureThreshold ?? 3,
        },
    };
}
