/** CPU architecture of EC2 instance types, as far as EKS's AMI types care. */
export type Architecture = "x86_64" | "arm64";

/**
 * Graviton families carry a `g` right after their generation number (`t4g`, `m7g`, `c7gn`,
 * `r8gd`, `g5g`, `hpc7g`); `g5`, `m7i` or `m7a` do not, and run x86_64.
 */
const GRAVITON = /^[a-z]+[0-9]+g[a-z0-9-]*\./;

export function architectureOf(instanceType: string): Architecture {
    return GRAVITON.test(instanceType) ? "arm64" : "x86_64";
}

/** The image platform nodes of an architecture run. */
export const PLATFORM_OF: Record<Architecture, string> = { x86_64: "linux/amd64", arm64: "linux/arm64" };

/**
 * EKS's AMI type for a node group of `arch`. Only Graviton groups get one explicitly: EKS refuses
 * ARM instance types under its default x86_64 AMI type, and an amiType added to an existing x86
 * group would force a new node group.
 */
export function amiTypeFor(arch: Architecture): string | undefined {
    return arch === "arm64" ? "AL2023_ARM_64_STANDARD" : undefined;
}
