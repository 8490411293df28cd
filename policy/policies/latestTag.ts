import { ResourceValidationPolicy } from "@pulumi/policy";
import { read } from "../lib/read";
import { containersOf, podSpecOf } from "../lib/workloads";

/** The tag of an image reference, undefined when it has none; a registry port is not a tag. */
export function tagOf(image: string): string | undefined {
    const [name] = image.split("@");
    const lastSegment = name.slice(name.lastIndexOf("/") + 1);
    const colon = lastSegment.indexOf(":");
    return colon === -1 ? undefined : lastSegment.slice(colon + 1);
}

/** No container names `:latest`, spelled out or implied by a reference with neither tag nor digest. */
export const noLatestTag: ResourceValidationPolicy = {
    name: "no-latest-tag",
    description: "No container image uses the :latest tag, explicitly or by having neither tag nor digest.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        for (const container of containersOf(podSpecOf(args))) {
            const image = read(container.spec, "image");
            // Computed under preview or absent: cannot judge yet.
            if (typeof image !== "string") continue;
            const tag = tagOf(image);
            if (tag === "latest") {
                reportViolation(
                    `${container.label}: image "${image}" uses the :latest tag, which names a different build after every push`,
                );
            } else if (tag === undefined && !image.includes("@")) {
                reportViolation(`${container.label}: image "${image}" has neither tag nor digest, so it means :latest`);
            }
        }
    },
};
