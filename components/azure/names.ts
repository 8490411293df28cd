import * as crypto from "crypto";
import { z } from "zod";

/** Azure's resource group rule: 1-90 letters, digits, `_ - . ( )`, not ending in a period. */
export const resourceGroupName = z.string().regex(/^[A-Za-z0-9_().-]{0,89}[A-Za-z0-9_()-]$/, {
    message: "must be 1-90 characters of letters, digits, '_', '-', '.', '(' and ')', not ending in '.'",
});

/** ACR names are 5-50 alphanumerics (no '-'), and form the globally unique host `<name>.azurecr.io`. */
export const registryName = z.string().regex(/^[A-Za-z0-9]{5,50}$/, {
    message: "must be 5-50 letters and digits only (no '-', '_' or '.'), and unique across Azure",
});

/** AKS cluster names: 1-63 letters, digits, '-' and '_', starting and ending with a letter or digit. */
export const clusterName = z.string().regex(/^[A-Za-z0-9]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?$/, {
    message: "must be 1-63 characters of letters, digits, '-' and '_', starting and ending with a letter or digit",
});

/** Region names as ARM expects them (`westeurope`, `eastus2`), not display names ("West Europe"). */
export const location = z.string().regex(/^[a-z][a-z0-9]{1,39}$/, {
    message:
        "must be an Azure region name such as westeurope or eastus2 (lowercase, no spaces; see `az account list-locations -o table`)",
});

export const vmSize = z
    .string()
    .regex(/^Standard_[A-Za-z0-9_]+$/, { message: "must be an Azure VM size such as Standard_D2s_v5" });

/** `1.33` (AKS picks the newest patch) or `1.33.2`. */
export const kubernetesVersion = z.string().regex(/^[0-9]+\.[0-9]+(\.[0-9]+)?$/, {
    message: "must be a Kubernetes version such as 1.33 or 1.33.2 (see `az aks get-versions -l <location> -o table`)",
});

/** Room left for the prefix of a derived registry name once the 8-character suffix is added. */
const REGISTRY_PREFIX_MAX = 42;

/**
 * A valid, stable default ACR name: project and stack, lowercased, without the characters ACR
 * refuses, plus a hash suffix. Every team's `stevedore`/`prod` would collide on the global ACR
 * namespace, so the hash also covers the subscription.
 */
export function defaultRegistryName(subscriptionId: string, project: string, stack: string): string {
    const prefix = `${project}${stack}`
        .toLowerCase()
        .replace(/[^a-z0-9]/g, "")
        .slice(0, REGISTRY_PREFIX_MAX);
    const suffix = crypto
        .createHash("sha256")
        .update(`${subscriptionId}/${project}/${stack}`)
        .digest("hex")
        .slice(0, 8);
    return `${prefix}${suffix}`;
}

/** A default AKS name from project and stack, e.g. `stevedore-prod`. */
export function defaultClusterName(project: string, stack: string): string {
    const name = `${project}-${stack}`
        .replace(/[^A-Za-z0-9_-]/g, "-")
        .replace(/^[-_]+|[-_]+$/g, "")
        .slice(0, 63)
        .replace(/[-_]+$/, "");
    return name === "" ? "stevedore" : name;
}

/** AKS DNS prefix: 1-54 letters, digits and '-', starting and ending with a letter or digit. */
export function dnsPrefixFor(cluster: string): string {
    // Cluster names already start and end with a letter or digit; only '_' and the length need care.
    return cluster.replace(/_/g, "-").slice(0, 54).replace(/-+$/, "");
}
