import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AppSettings } from "../config/app";

/** An `autoscaling/v2` HorizontalPodAutoscaler on CPU for an app with `autoscale`; none otherwise. */
export function autoscaler(
    prefix: string,
    app: AppSettings,
    namespace: pulumi.Input<string>,
    labels: Record<string, string>,
    deployment: k8s.apps.v1.Deployment,
    opts: pulumi.CustomResourceOptions,
): k8s.autoscaling.v2.HorizontalPodAutoscaler | undefined {
    const scale = app.autoscale;
    if (scale === undefined) return undefined;
    return new k8s.autoscaling.v2.HorizontalPodAutoscaler(
        `${prefix}-hpa`,
        {
            metadata: { name: app.name, namespace, labels },
            spec: {
                scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deployment.metadata.name },
                minReplicas: scale.min,
                maxReplicas: scale.max,
                // Utilization is of the container's CPU request, which every app has (resources.requests.cpu).
                metrics: [
                    {
                        type: "Resource",
                        resource: {
                            name: "cpu",
                            target: { type: "Utilization", averageUtilization: scale.cpuPercent },
                        },
                    },
                ],
            },
        },
        opts,
    );
}
