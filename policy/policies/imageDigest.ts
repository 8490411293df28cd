import { ResourceValidationPolicy } from "@pulumi/policy";
import { read } from "../lib/read";
import { containersOf, podSpecOf } from "../lib/workloads";

/** `@sha256:` and the 64 hex digits of a manifest digest, at the end of the reference. */
const DIGEST_SUFFIX = /@sha256:[0-9a-f]{64}$/;

/** Every container runs an image pinned by digest, so a rollout runs exactly the build that was pushed. */
export const imagePinnedByDigest: ResourceValidationPolicy = {
    name: "image-pinned-by-digest",
    description: "Every container's image is pinned by digest (repository@sha256:<64 hex digits>).",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        for (const container of containersOf(podSpecOf(args))) {
            const image = read(container.spec, "image");
            // Not a string: still computed (under preview the digest only exists after the push) or
            // absent. Either way the reference cannot be judged yet; `pulumi up` sees the real one.
            if (typeof image !== "string") continue;
            if (!DIGEST_SUFFIX.test(image)) {
                reportViolation(
                    `${container.label}: image "${image}" is not pinned by digest; use repository@sha256:<64 hex digits> (stevedore's AppImage.ref), never a tag alone`,
                );
            }
        }
    },
};
