/**
 * A small, fully compliant stack as the engine would send it to the policy pack, plus helpers to
 * change one field and run one policy through the same offline engine the checker uses (so every
 * test sees props wrapped exactly as under `pulumi preview`).
 */
import type { ResourceValidationArgs } from "@pulumi/policy";
import { policies, PACK_ENFORCEMENT_LEVEL, PACK_NAME } from "../../policy/policies";
import {
    AnalyzerResource, GivenPolicyConfig, PackDefinition, PackResult, reconcilePolicyConfig, runPolicyPack,
} from "../../scripts/lib/policy-engine";

export const ACCOUNT = "123456789012";
export const FUNCTION_NAME = "LiveInsight-test-collector";
export const FUNCTION_ARN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${FUNCTION_NAME}`;
export const INVOKE_ARN = `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${FUNCTION_ARN}/invocations`;
export const STREAM_ARN = `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/clicks`;
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
        "collector": { type: "aws:lambda/function:Function", props: {
            name: FUNCTION_NAME, runtime: "nodejs22.x", handler: "index.handler", memorySize: 512, timeout: 10,
            environment: { variables: { EVENTS_TABLE: "LiveInsight-test-Events", AWS_MAX_ATTEMPTS: "3", AWS_RETRY_MODE: "standard" } },
        } },
        "collector-invoke-config": { type: "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", props: {
            functionName: FUNCTION_NAME, maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60,
        } },
        "events-integration": { type: "aws:apigatewayv2/integration:Integration", props: {
            apiId: "api123", integrationType: "AWS_PROXY", integrationUri: FUNCTION_ARN, timeoutMilliseconds: 12000,
        } },
        "stage": { type: "aws:apigatewayv2/stage:Stage", props: {
            apiId: "api123", name: "$default", defaultRouteSettings: { throttlingRateLimit: 100, throttlingBurstLimit: 200 },
        } },
        "collector-logs": { type: "aws:cloudwatch/logGroup:LogGroup", props: { name: `/aws/lambda/${FUNCTION_NAME}`, retentionInDays: 30 } },
        "events": { type: "aws:dynamodb/table:Table", protect: true, props: {
            name: "LiveInsight-test-Events", billingMode: "PAY_PER_REQUEST", hashKey: "session_id",
            pointInTimeRecovery: { enabled: true }, deletionProtectionEnabled: true,
        } },
        "collector-policy": { type: "aws:iam/rolePolicy:RolePolicy", props: { role: "collector-role", policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: ["dynamodb:BatchWriteItem"], Resource: [`arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/LiveInsight-test-Events`] }],
        }) } },
        "collector-error-rate": { type: "aws:cloudwatch/metricAlarm:MetricAlarm", props: {
            comparisonOperator: "GreaterThanThreshold", evaluationPeriods: 5, threshold: 1, alarmActions: [TOPIC_ARN],
            metricQueries: [
                { id: "errors", returnData: false, metric: { metricName: "Errors", namespace: "AWS/Lambda", period: 60, stat: "Sum", dimensions: { FunctionName: FUNCTION_NAME } } },
                { id: "invocations", returnData: false, metric: { metricName: "Invocations", namespace: "AWS/Lambda", period: 60, stat: "Sum", dimensions: { FunctionName: FUNCTION_NAME } } },
                { id: "rate", expression: "100 * errors / MAX([errors, invocations])", returnData: true },
            ],
        } },
        "clicks-mapping": { type: "aws:lambda/eventSourceMapping:EventSourceMapping", props: {
            eventSourceArn: STREAM_ARN, functionName: FUNCTION_ARN, startingPosition: "LATEST",
            maximumRetryAttempts: 3, bisectBatchOnFunctionError: true,
            destinationConfig: { onFailure: { destinationArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:clicks-dlq` } },
        } },
    };
}

export function toResources(specs: Record<string, Spec>): AnalyzerResource[] {
    return Object.entries(specs).map(([name, spec]) => ({
        type: spec.type, name, urn: urnOf(spec.type, name), props: spec.props, outputs: spec.props,
        protect: spec.protect ?? false, dependencies: [], propertyDependencies: spec.propertyDependencies ?? {},
    }));
}

/** The compliant stack with one resource's props changed by `edit`. */
export function stackWith(name?: string, edit?: (props: Props, spec: Spec) => void): AnalyzerResource[] {
    const specs = goodSpecs();
    if (name && edit) edit(specs[name].props, specs[name]);
    return toResources(specs);
}

export function packOf(policyName?: string): PackDefinition {
    const selected = policyName ? policies.filter((p) => p.name === policyName) : policies;
    if (selected.length === 0) throw new Error(`no policy named ${policyName}`);
    return { name: PACK_NAME, version: "0.1.0", enforcementLevel: PACK_ENFORCEMENT_LEVEL, policies: selected };
}

/** Runs the pack (or one policy of it) with a policy config as in a --policy-pack-config file. */
export async function runWith(
    resources: AnalyzerResource[], given: Record<string, GivenPolicyConfig> = {}, policyName?: string,
): Promise<PackResult> {
    const pack = packOf(policyName);
    const { config } = reconcilePolicyConfig(pack, given);
    return runPolicyPack(pack, config, resources);
}

/** The messages one policy reports on `resources`, with `properties` as its config. */
export async function messagesOf(
    policyName: string, resources: AnalyzerResource[], properties: Record<string, unknown> = {},
): Promise<string[]> {
    const result = await runWith(resources, { [policyName]: { properties } }, policyName);
    return result.violations.map((v) => v.message);
}

/** Minimal args for calling a remediation directly, the way the policy server builds them. */
export function remediationArgs(type: string, name: string, props: Record<string, any>, config: object): ResourceValidationArgs {
    return {
        type, name, props, urn: urnOf(type, name), stackTags: new Map(),
        opts: { protect: false, ignoreChanges: [], aliases: [], additionalSecretOutputs: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 } },
        isType: () => false, asType: () => undefined,
        getConfig: <T extends object>() => config as T,
        notApplicable: (reason?: string): never => { throw new Error(reason); },
    };
}
