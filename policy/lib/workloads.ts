import { ResourceValidationArgs } from "@pulumi/policy";
import { readList, readPath, UNKNOWN } from "./read";

/** Where the pod spec sits inside each workload kind's inputs. */
const WORKLOAD_POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
    "kubernetes:apps/v1:Deployment": ["spec", "template", "spec"],
    "kubernetes:apps/v1:StatefulSet": ["spec", "template", "spec"],
    "kubernetes:apps/v1:DaemonSet": ["spec", "template", "spec"],
    // Rarely written by hand, but each runs its template's pods as a Deployment does.
    "kubernetes:apps/v1:ReplicaSet": ["spec", "template", "spec"],
    "kubernetes:core/v1:ReplicationController": ["spec", "template", "spec"],
    "kubernetes:batch/v1:Job": ["spec", "template", "spec"],
    // A CronJob nests a whole Job spec under jobTemplate.
    "kubernetes:batch/v1:CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
    // A bare Pod would otherwise be a way around every rule.
    "kubernetes:core/v1:Pod": ["spec"],
};

/**
 * Every workload type and its `<Type>Patch` (server-side apply of a partial object): a
 * DeploymentPatch can change an image or a securityContext of a Deployment it does not own, so
 * it is checked too, with the same nesting.
 */
const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
    Object.entries(WORKLOAD_POD_SPEC_PATHS).flatMap(([type, path]) => [
        [type, path],
        [`${type}Patch`, path],
    ]),
);

/**
 * A patch sets only the fields it names; the others keep their live values, which the pack
 * cannot see. So on a patch a rule judges what is given and never reports what is absent.
 */
export function isPatch(type: string): boolean {
    return type.endsWith("Patch") && POD_SPEC_PATHS[type] !== undefined;
}

/** Workloads that keep replicas running and so should be probed; Jobs run to completion. */
export const LONG_RUNNING_TYPES: readonly string[] = [
    "kubernetes:apps/v1:Deployment",
    "kubernetes:apps/v1:StatefulSet",
    "kubernetes:apps/v1:DaemonSet",
    "kubernetes:apps/v1:ReplicaSet",
    "kubernetes:core/v1:ReplicationController",
    "kubernetes:core/v1:Pod",
];

/** One container of a pod spec, with the label that violation messages use. */
export interface ContainerRef {
    /** `container "web"` or `initContainer "migrate"`; the index stands in when the name is unknown. */
    label: string;
    /** The container's inputs, read with `read()` because any field may still be computed. */
    spec: unknown;
}

/** The pod spec of a workload's inputs, UNKNOWN when computed, undefined when the type is not a workload. */
export function podSpecOf(args: Pick<ResourceValidationArgs, "type" | "props">): unknown {
    const path = POD_SPEC_PATHS[args.type];
    return path === undefined ? undefined : readPath(args.props, path);
}

/** Containers and initContainers of a pod spec; a list that is still computed is left out. */
export function containersOf(
    podSpec: unknown,
    kinds: readonly ContainerKind[] = ["containers", "initContainers"],
): ContainerRef[] {
    return kinds.flatMap((kind) => {
        const list = readList(podSpec, kind);
        if (list === UNKNOWN) return [];
        return list.map((spec, index) => ({ label: labelOf(kind, spec, index), spec }));
    });
}

export type ContainerKind = "containers" | "initContainers";

function labelOf(kind: ContainerKind, spec: unknown, index: number): string {
    const noun = kind === "containers" ? "container" : "initContainer";
    const name = readPath(spec, ["name"]);
    return typeof name === "string" ? `${noun} "${name}"` : `${noun} #${index}`;
}

/** True when `value` was given as a non-empty string or a number (Kubernetes quantities take both). */
export function isSet(value: unknown): boolean {
    return (typeof value === "string" && value.length > 0) || typeof value === "number";
}
