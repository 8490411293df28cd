import { ConfigError } from "../config/errors";
import { TargetModule } from "../contracts";
import { EksCluster } from "./cluster";
import { EcrRegistry, ecrRepositoryName } from "./registry";
import { AwsSettings, ECR_REPOSITORY_NAME } from "./settings";
import { AwsSetup, AwsTarget } from "./setup";

/** Problems with inputs that only meet here (app names against ECR's naming rule, static registry auth). */
function registryProblems(apps: string[], settings: AwsSettings, hasAuth: boolean): string[] {
    const problems = apps
        .map((app) => ecrRepositoryName(settings.registry.prefix, app))
        .filter((repo) => !ECR_REPOSITORY_NAME.test(repo))
        .map((repo) => `stevedore:aws.registry: ECR repository name ${JSON.stringify(repo)} is invalid: ECR names are 2-256 characters; rename the app or set stevedore:aws.registry.prefix`);
    if (hasAuth) {
        problems.push("stevedore:registryUsername / stevedore:registryPassword: not used by target eks (pushes use a fresh ECR authorization token); remove them");
    }
    return problems;
}

/** `stevedore:target: eks`: Amazon ECR repositories and an EKS cluster, attached or created. */
type Module = TargetModule<AwsSettings, AwsTarget>;

/** One AWS provider for both halves. */
export const setup: Module["setup"] = (name, settings, opts) => new AwsSetup(name, settings, opts);

export const createRegistry: Module["createRegistry"] = (name, args, target, opts) => {
    const problems = registryProblems(args.apps, target.settings, args.auth !== undefined);
    if (problems.length > 0) throw new ConfigError(problems);
    return new EcrRegistry(name, args, target, opts);
};

export const createCluster: Module["createCluster"] = (name, args, target, opts) => new EksCluster(name, args, target, opts);
