import { PodSpecInputs } from "./k8s";

/** Volume types the Pod Security `restricted` profile allows. */
const ALLOWED_VOLUMES = [
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

/**
 * The checks of the Pod Security Standards' `restricted` profile that a pod spec can fail, as the
 * admission controller applies them. Returns one line per violation; empty means admitted.
 */
export function restrictedViolations(spec: PodSpecInputs): string[] {
    const problems: string[] = [];
    const pod = spec.securityContext ?? {};
    for (const volume of spec.volumes ?? []) {
        const kinds = Object.keys(volume).filter((k) => k !== "name");
        for (const kind of kinds)
            if (!ALLOWED_VOLUMES.includes(kind)) problems.push(`volume ${volume.name}: type ${kind} is not allowed`);
    }
    const podSeccomp = pod.seccompProfile?.type;
    for (const c of spec.containers) {
        const sc = c.securityContext ?? {};
        if (sc.privileged === true) problems.push(`${c.name}: privileged`);
        if (sc.allowPrivilegeEscalation !== false) problems.push(`${c.name}: allowPrivilegeEscalation must be false`);
        const nonRoot = sc.runAsNonRoot ?? pod.runAsNonRoot;
        if (nonRoot !== true) problems.push(`${c.name}: runAsNonRoot must be true`);
        if ((sc.runAsUser ?? pod.runAsUser) === 0) problems.push(`${c.name}: runAsUser must not be 0`);
        const seccomp = (sc.seccompProfile as { type?: string } | undefined)?.type ?? podSeccomp;
        if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost")
            problems.push(`${c.name}: seccompProfile must be RuntimeDefault or Localhost`);
        const caps = sc.capabilities ?? {};
        if (!(caps.drop ?? []).includes("ALL")) problems.push(`${c.name}: capabilities must drop ALL`);
        for (const added of caps.add ?? [])
            if (added !== "NET_BIND_SERVICE") problems.push(`${c.name}: capability ${added} may not be added`);
    }
    return problems;
}
