/**
 * One function of the history archive with everything it owns: its log group (created first, so
 * the retention is ours), its role and inline policy, the function (bundled by the program) and
 * its event-invoke config. Like CollectorApi's functions, only without an API in front; the tag
 * WORKLOAD_TAG marks it for the policy pack, which judges such functions by the batch ranges.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BATCH_WORKLOAD, lambdaLogGroupName, WORKLOAD_TAG } from "../contracts/names";
import { bundleFunction } from "./bundle";
import type { Architecture } from "./collector-api-args";
import { lambdaAssumeRolePolicy, type PolicyDocument } from "./iam";

export interface BatchFunctionSpec {
  /** Physical function name, `LiveInsight-<stack>-<kind>`. */
  readonly functionName: string;
  /** Repository-relative entry point with an exported `handler`. */
  readonly entry: string;
  readonly memorySize: number;
  readonly timeoutSeconds: number;
  readonly architecture: Architecture;
  readonly logRetentionDays: number;
  readonly environment: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Built from names and the account scope (known at a first preview), given the log group's name. */
  readonly policy: (logGroupName: string) => pulumi.Output<PolicyDocument>;
  /** Asynchronous invocations: the scheduler's (compaction) or none but stray ones (the archiver). */
  readonly asyncRetries: { readonly maximumRetryAttempts: number; readonly maximumEventAgeInSeconds: number };
}

export interface BatchFunction {
  readonly function: aws.lambda.Function;
  readonly logGroup: aws.cloudwatch.LogGroup;
  readonly role: aws.iam.Role;
  readonly rolePolicy: aws.iam.RolePolicy;
}

/** `prefix` is the Pulumi child-name prefix (`${component}-${kind}`); every child is parented to `parent`. */
export function createBatchFunction(prefix: string, spec: BatchFunctionSpec, parent: pulumi.Resource): BatchFunction {
  const logGroupName = lambdaLogGroupName(spec.functionName);
  const logGroup = new aws.cloudwatch.LogGroup(
    `${prefix}-logs`,
    { name: logGroupName, retentionInDays: spec.logRetentionDays },
    { parent },
  );
  const role = new aws.iam.Role(`${prefix}-role`, { assumeRolePolicy: JSON.stringify(lambdaAssumeRolePolicy()) }, { parent });
  const rolePolicy = new aws.iam.RolePolicy(
    `${prefix}-policy`,
    { role: role.id, policy: spec.policy(logGroupName).apply((doc) => JSON.stringify(doc)) },
    { parent },
  );
  const fn = new aws.lambda.Function(
    prefix,
    {
      name: spec.functionName,
      runtime: "nodejs22.x",
      architectures: [spec.architecture],
      handler: "index.handler",
      code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(bundleFunction(spec.entry)) }),
      role: role.arn,
      memorySize: spec.memorySize,
      timeout: spec.timeoutSeconds,
      environment: { variables: spec.environment },
      loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
      tags: { [WORKLOAD_TAG]: BATCH_WORKLOAD },
    },
    { parent, dependsOn: [logGroup, rolePolicy] },
  );
  new aws.lambda.FunctionEventInvokeConfig(`${prefix}-invoke-config`, { functionName: fn.name, ...spec.asyncRetries }, { parent });
  return { function: fn, logGroup, role, rolePolicy };
}
