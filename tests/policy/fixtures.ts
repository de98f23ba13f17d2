/**
 * A small, fully compliant stack, plus helpers to change one field and call one policy's
 * validator directly (props wrapped in the SDK's public unknownCheckingProxy, as the server wraps
 * them). The whole pack through the real analyzer server is tests/policy/analyzer.test.ts.
 */
import {
  type PolicyResource,
  type ResourceValidationArgs,
  type ResourceValidationPolicy,
  type StackValidationPolicy,
  unknownCheckingProxy,
} from "@pulumi/policy";
import { policies } from "../../policy/policies";

export const ACCOUNT = "123456789012";
export const FUNCTION_NAME = "LiveInsight-test-collector";
export const FUNCTION_ARN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${FUNCTION_NAME}`;
export const INVOKE_ARN = `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${FUNCTION_ARN}/invocations`;
export const STREAM_ARN = `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/clicks`;
export const BUCKET = "liveinsight-test-123456789012-us-east-1-archive";
export const TOPIC_ARN = `arn:aws:sns:us-east-1:${ACCOUNT}:LiveInsight-test-alarms`;
/** The engine's marker for a value not known until the resource is created (`pulumi preview`). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

type Props = Record<string, any>;

export interface Spec {
  type: string;
  props: Props;
  protect?: boolean;
  propertyDependencies?: Record<string, string[]>;
}

export const urnOf = (type: string, name: string) => `urn:pulumi:test::liveinsight::${type}::${name}`;

export function goodSpecs(): Record<string, Spec> {
  return {
    collector: {
      type: "aws:lambda/function:Function",
      props: {
        name: FUNCTION_NAME,
        runtime: "nodejs22.x",
        handler: "index.handler",
        memorySize: 512,
        timeout: 10,
        environment: {
          variables: {
            EVENTS_TABLE: "LiveInsight-test-Events",
            AWS_MAX_ATTEMPTS: "3",
            AWS_RETRY_MODE: "standard",
            SITES: '[{"id":"shop","hosts":["shop.io","*.shop.io"]}]',
          },
        },
      },
    },
    "api-http": {
      type: "aws:apigatewayv2/api:Api",
      props: {
        name: "LiveInsight-test",
        protocolType: "HTTP",
        corsConfiguration: {
          allowOrigins: ["https://shop.io", "https://*"],
          allowMethods: ["GET", "POST"],
          allowHeaders: ["content-type"],
        },
      },
    },
    "collector-invoke-config": {
      type: "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
      props: {
        functionName: FUNCTION_NAME,
        maximumRetryAttempts: 0,
        maximumEventAgeInSeconds: 60,
      },
    },
    "events-integration": {
      type: "aws:apigatewayv2/integration:Integration",
      props: {
        apiId: "api123",
        integrationType: "AWS_PROXY",
        integrationUri: FUNCTION_ARN,
        timeoutMilliseconds: 12000,
      },
    },
    stage: {
      type: "aws:apigatewayv2/stage:Stage",
      props: {
        apiId: "api123",
        name: "$default",
        defaultRouteSettings: { throttlingRateLimit: 100, throttlingBurstLimit: 200 },
        accessLogSettings: {
          destinationArn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/apigateway/test`,
          format: '{"requestId":"$context.requestId"}',
        },
      },
    },
    "collector-logs": { type: "aws:cloudwatch/logGroup:LogGroup", props: { name: `/aws/lambda/${FUNCTION_NAME}`, retentionInDays: 30 } },
    events: {
      type: "aws:dynamodb/table:Table",
      protect: true,
      props: {
        name: "LiveInsight-test-Events",
        billingMode: "PAY_PER_REQUEST",
        hashKey: "session_id",
        pointInTimeRecovery: { enabled: true },
        deletionProtectionEnabled: true,
      },
    },
    "collector-policy": {
      type: "aws:iam/rolePolicy:RolePolicy",
      props: {
        role: "collector-role",
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Action: ["dynamodb:BatchWriteItem"],
              Resource: [`arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/LiveInsight-test-Events`],
            },
          ],
        }),
      },
    },
    "collector-error-rate": {
      type: "aws:cloudwatch/metricAlarm:MetricAlarm",
      props: {
        comparisonOperator: "GreaterThanThreshold",
        evaluationPeriods: 5,
        threshold: 1,
        alarmActions: [TOPIC_ARN],
        metricQueries: [
          {
            id: "errors",
            returnData: false,
            metric: { metricName: "Errors", namespace: "AWS/Lambda", period: 60, stat: "Sum", dimensions: { FunctionName: FUNCTION_NAME } },
          },
          {
            id: "invocations",
            returnData: false,
            metric: {
              metricName: "Invocations",
              namespace: "AWS/Lambda",
              period: 60,
              stat: "Sum",
              dimensions: { FunctionName: FUNCTION_NAME },
            },
          },
          { id: "rate", expression: "100 * errors / MAX([errors, invocations])", returnData: true },
        ],
      },
    },
    archive: { type: "aws:s3/bucket:Bucket", props: { bucket: BUCKET } },
    "archive-public-access-block": {
      type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      props: { bucket: BUCKET, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
    },
    "archive-encryption": {
      type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      props: { bucket: BUCKET, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
    },
    "archive-policy": {
      type: "aws:s3/bucketPolicy:BucketPolicy",
      props: {
        bucket: BUCKET,
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Deny",
              Principal: "*",
              Action: "s3:*",
              Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
          ],
        }),
      },
    },
    "archive-lifecycle": {
      type: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
      props: { bucket: BUCKET, rules: [{ id: "expire", status: "Enabled", filter: { prefix: "events/" }, expiration: { days: 395 } }] },
    },
    workgroup: {
      type: "aws:athena/workgroup:Workgroup",
      props: {
        name: "LiveInsight-test",
        configuration: {
          enforceWorkgroupConfiguration: true,
          bytesScannedCutoffPerQuery: 10240 * 1_048_576,
          resultConfiguration: { outputLocation: "s3://liveinsight-test-results/" },
        },
      },
    },
    "clicks-mapping": {
      type: "aws:lambda/eventSourceMapping:EventSourceMapping",
      props: {
        eventSourceArn: STREAM_ARN,
        functionName: FUNCTION_ARN,
        startingPosition: "LATEST",
        maximumRetryAttempts: 3,
        maximumRecordAgeInSeconds: 3600,
        bisectBatchOnFunctionError: true,
        destinationConfig: { onFailure: { destinationArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:clicks-dlq` } },
      },
    },
  };
}

export interface AnalyzerResource {
  type: string;
  name: string;
  urn: string;
  props: Props;
  protect: boolean;
  propertyDependencies: Record<string, string[]>;
}

export function toResources(specs: Record<string, Spec>): AnalyzerResource[] {
  return Object.entries(specs).map(([name, spec]) => ({
    type: spec.type,
    name,
    urn: urnOf(spec.type, name),
    props: spec.props,
    protect: spec.protect ?? false,
    propertyDependencies: spec.propertyDependencies ?? {},
  }));
}

/** The compliant stack with one resource's props changed by `edit`. */
export function stackWith(name?: string, edit?: (props: Props, spec: Spec) => void): AnalyzerResource[] {
  const specs = goodSpecs();
  if (name && edit) edit(specs[name].props, specs[name]);
  return toResources(specs);
}

export interface Violation {
  policy: string;
  resourceName: string;
  message: string;
}
export interface GivenPolicyConfig {
  properties?: Record<string, unknown>;
}

/** Stack tags for the prod profile unless a test says otherwise. */
export const PROD_TAGS: ReadonlyMap<string, string> = new Map([["liveinsight:environment", "prod"]]);
export const DEV_TAGS: ReadonlyMap<string, string> = new Map([["liveinsight:environment", "dev"]]);

const OPTS = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  additionalSecretOutputs: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
};

function notApplicable(reason?: string): never {
  throw Object.assign(new Error(reason), { notApplicable: true });
}

/** What the server does with a throw: not-applicable and unknown values are not errors. */
function settled(error: unknown, policy: string, resourceName: string, out: Violation[]): void {
  const e = error as Error & { notApplicable?: boolean };
  if (e.notApplicable) return;
  if (e.constructor?.name === "UnknownValueError") {
    out.push({ policy, resourceName, message: `can't run during preview: ${e.message}` });
    return;
  }
  throw error;
}

function policyResources(resources: AnalyzerResource[]): PolicyResource[] {
  const list: PolicyResource[] = resources.map(
    (r) =>
      ({
        type: r.type,
        name: r.name,
        urn: r.urn,
        props: unknownCheckingProxy(structuredClone(r.props)),
        opts: { ...OPTS, protect: r.protect },
        dependencies: [],
        propertyDependencies: {},
        isType: () => false,
        asType: () => undefined,
      }) as unknown as PolicyResource,
  );
  resources.forEach((r, i) => {
    for (const [key, urns] of Object.entries(r.propertyDependencies)) {
      list[i].propertyDependencies[key] = list.filter((p) => urns.includes(p.urn));
    }
  });
  return list;
}

/** Calls the validators of one policy (or all) directly on `resources` with `given` as the policy config. */
export async function runWith(
  resources: AnalyzerResource[],
  given: Record<string, GivenPolicyConfig> = {},
  policyName?: string,
  stackTags = PROD_TAGS,
): Promise<{ violations: Violation[] }> {
  const selected = policyName ? policies.filter((p) => p.name === policyName) : policies;
  if (selected.length === 0) throw new Error(`no policy named ${policyName}`);
  const violations: Violation[] = [];
  for (const policy of selected) {
    const getConfig = <T extends object>() => (given[policy.name]?.properties ?? {}) as T;
    const stack = policy as StackValidationPolicy;
    if (stack.validateStack) {
      const report = (message: string, urn?: string) =>
        violations.push({ policy: policy.name, resourceName: urn ? urn.split("::").pop()! : "", message });
      try {
        await stack.validateStack({ resources: policyResources(resources), getConfig, stackTags, notApplicable }, report as never);
      } catch (e) {
        settled(e, policy.name, "", violations);
      }
      continue;
    }
    const validation = (policy as ResourceValidationPolicy).validateResource;
    for (const r of resources) {
      const args = { ...remediationArgs(r.type, r.name, unknownCheckingProxy(structuredClone(r.props)), {}), getConfig, stackTags };
      args.opts = { ...OPTS, protect: r.protect };
      const report = (message: string) => violations.push({ policy: policy.name, resourceName: r.name, message });
      try {
        for (const v of Array.isArray(validation) ? validation : [validation!]) await v(args, report as never);
      } catch (e) {
        settled(e, policy.name, r.name, violations);
      }
    }
  }
  return { violations };
}

/** The messages one policy reports on `resources`, with `properties` as its config. */
export async function messagesOf(
  policyName: string,
  resources: AnalyzerResource[],
  properties: Record<string, unknown> = {},
  stackTags = PROD_TAGS,
): Promise<string[]> {
  const result = await runWith(resources, { [policyName]: { properties } }, policyName, stackTags);
  return result.violations.map((v) => v.message);
}

/** Minimal args for calling a validator or remediation directly, the way the policy server builds them. */
export function remediationArgs(
  type: string,
  name: string,
  props: Record<string, any>,
  config: object,
  stackTags = PROD_TAGS,
): ResourceValidationArgs {
  return {
    type,
    name,
    props,
    urn: urnOf(type, name),
    stackTags,
    opts: { ...OPTS },
    isType: () => false,
    asType: () => undefined,
    getConfig: <T extends object>() => config as T,
    notApplicable,
  };
}

/** A pack policy by name (as served: with exemptions). */
export function policyNamed(name: string) {
  const policy = policies.find((p) => p.name === name);
  if (!policy) throw new Error(`no policy named ${name}`);
  return policy;
}
