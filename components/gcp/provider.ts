import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { regionOf, ZONE } from "./names";
import { GcpSettings } from "./settings";

/**
 * The explicit GCP provider every resource and invoke of the target uses, so the project and
 * location come from the stack's `stevedore:gcp` settings and never from ambient gcloud defaults.
 */
export function gcpProvider(
    name: string,
    settings: GcpSettings,
    parent: pulumi.Resource,
    aliases?: pulumi.Alias[],
): gcp.Provider {
    return new gcp.Provider(
        name,
        {
            project: settings.project,
            region: regionOf(settings.location),
            zone: ZONE.test(settings.location) ? settings.location : undefined,
        },
        { parent, aliases },
    );
}
