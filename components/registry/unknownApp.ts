import * as pulumi from "@pulumi/pulumi";

/** The error every registry raises when asked for a repository of an app it was not made for. */
export function unknownApp(app: string, known: Iterable<string>, registry: pulumi.Resource): Error {
    return new pulumi.ResourceError(
        `registry has no repository for app "${app}"; known apps: ${[...known].join(", ")}`,
        registry,
    );
}
