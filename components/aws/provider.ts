import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AwsSettings } from "./settings";

/**
 * The AWS provider every resource and lookup of a component goes through: the region (and profile)
 * come from `stevedore:aws`, never from ambient `aws:region` config or environment variables.
 */
export function awsProvider(
    name: string,
    settings: Pick<AwsSettings, "region" | "profile">,
    parent: pulumi.Resource,
    aliases?: pulumi.Alias[],
): aws.Provider {
    return new aws.Provider(name, { region: settings.region, profile: settings.profile }, { parent, aliases });
}

/** The AWS partition (`aws`, `aws-cn`, `aws-us-gov`, …) the provider's region belongs to, as AWS reports it. */
export function partitionOf(provider: aws.Provider, parent: pulumi.Resource): pulumi.Output<aws.GetPartitionResult> {
    return aws.getPartitionOutput({}, { provider, parent });
}

/** ARN of an AWS-managed IAM policy in `partition`. */
export function managedPolicyArn(partition: pulumi.Input<string>, policy: string): pulumi.Output<string> {
    return pulumi.interpolate`arn:${partition}:iam::aws:policy/${policy}`;
}
