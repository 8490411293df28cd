import { TargetModule } from "../contracts";
import { EksCluster } from "./cluster";
import { EcrRegistry } from "./registry";
import { AwsSettings } from "./settings";
import { AwsSetup, AwsTarget } from "./setup";

type Module = TargetModule<AwsSettings, AwsTarget>;

/** `stevedore:target: eks`: Amazon ECR repositories and an EKS cluster, attached or created, through one AWS provider. */
export const setup: Module["setup"] = (name, settings, opts) => new AwsSetup(name, settings, opts);

export const createRegistry: Module["createRegistry"] = (name, args, target, opts) =>
    new EcrRegistry(name, args, target, opts);

export const createCluster: Module["createCluster"] = (name, args, target, opts) =>
    new EksCluster(name, args, target, opts);
