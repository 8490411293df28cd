import { z } from "zod";

/** A GCP region such as `us-central1` or `northamerica-northeast1`. */
export const REGION = /^[a-z]+-[a-z]+[0-9]+$/;
/** A GCP zone: a region and a one-letter suffix, such as `us-central1-a`. */
export const ZONE = /^[a-z]+-[a-z]+[0-9]+-[a-z]$/;
/** Artifact Registry's multi-region locations. */
export const MULTI_REGIONS = ["us", "europe", "asia"] as const;

/** The region a location lies in: a zone's region, or the location itself when it is a region. */
export function regionOf(location: string): string {
    return ZONE.test(location) ? location.replace(/-[a-z]$/, "") : location;
}

/** Host that `docker push` talks to for an Artifact Registry location. */
export function registryHost(location: string): string {
    return `${location}-docker.pkg.dev`;
}

/** Project ids: 6-30 characters, lowercase letters, digits and hyphens, starting with a letter. */
export const projectId = z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, {
    message:
        "must be a GCP project id: 6-30 characters, lowercase letters, digits and '-', starting with a letter and not ending with '-' (e.g. my-project-123)",
});

/** Where the cluster runs: a region makes a regional cluster, a zone a zonal one. */
export const location = z.string().refine((l) => REGION.test(l) || ZONE.test(l), {
    message:
        "must be a GCP region such as us-central1 (regional cluster) or a zone such as us-central1-a (zonal cluster)",
});

/** Artifact Registry locations are regions or multi-regions, never zones. */
export const registryLocation = z
    .string()
    .refine((l) => REGION.test(l) || (MULTI_REGIONS as readonly string[]).includes(l), {
        message: `must be a region such as us-central1 or a multi-region (${MULTI_REGIONS.join(", ")}); Artifact Registry has no zonal repositories`,
    });

/** Artifact Registry repository ids. */
export const repositoryId = z.string().regex(/^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/, {
    message:
        "must be an Artifact Registry repository id: 1-63 characters, lowercase letters, digits and '-', starting with a letter and ending with a letter or digit",
});

/** GKE cluster names. */
export const clusterName = z.string().regex(/^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$/, {
    message:
        "must be a GKE cluster name: 1-40 characters, lowercase letters, digits and '-', starting with a letter and ending with a letter or digit",
});

/** A service account's email, e.g. `gke-nodes@my-project.iam.gserviceaccount.com`. */
export const serviceAccountEmail = z.string().regex(/^[a-z0-9][a-z0-9-]{4,61}@[a-z0-9.-]+\.gserviceaccount\.com$/, {
    message: "must be a service account email such as gke-nodes@my-project.iam.gserviceaccount.com",
});

/** Service account ids: 6-30 characters, lowercase letters, digits and '-', starting with a letter. */
export const serviceAccountId = z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, {
    message:
        "must be a service account id: 6-30 characters, lowercase letters, digits and '-', starting with a letter and ending with a letter or digit",
});

/** A VPC network or subnetwork: a name (`shared-vpc`) or a resource path (`projects/<p>/regions/<r>/subnetworks/<s>`). */
export const networkRef = z
    .string()
    .regex(
        /^([a-z]([-a-z0-9]{0,61}[a-z0-9])?|projects\/[a-z][a-z0-9-]{4,28}[a-z0-9]\/(global|regions\/[a-z]+-[a-z]+[0-9]+)\/(networks|subnetworks)\/[a-z]([-a-z0-9]{0,61}[a-z0-9])?)$/,
        {
            message:
                "must be a network or subnetwork name such as shared-vpc, or a path such as projects/<project>/regions/<region>/subnetworks/<name>",
        },
    );

/** Compute Engine machine types such as `e2-standard-2` or `n2d-highmem-4`. */
export const machineType = z.string().regex(/^[a-z][a-z0-9]*-[a-z0-9-]+$/, {
    message: "must be a Compute Engine machine type such as e2-standard-2",
});

/**
 * The id stevedore gives the node service account of a cluster it creates: service account ids are
 * 6-30 characters, so the cluster name is shortened to leave room for the suffix.
 */
export function nodeServiceAccountId(cluster: string): string {
    return `${cluster.slice(0, 24).replace(/-+$/, "")}-nodes`;
}
