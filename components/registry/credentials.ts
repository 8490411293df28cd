import * as pulumi from "@pulumi/pulumi";
import { RegistryCredentials } from "../contracts";

/** Push or pull credentials for `server`, wrapped as a secret end to end. */
export function secretCredentials(
    server: pulumi.Input<string>,
    username: pulumi.Input<string>,
    password: pulumi.Input<string>,
): pulumi.Output<RegistryCredentials> {
    return pulumi.secret(
        pulumi.all([server, username, password]).apply(([s, u, p]) => ({ server: s, username: u, password: p })),
    );
}
