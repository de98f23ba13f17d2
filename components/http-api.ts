/**
 * The HTTP API setup CollectorApi and StatsApi share: the API, its JSON access log group, the
 * throttled `$default` stage writing to it, and a Lambda proxy integration. Each component keeps
 * what differs (CORS, routes, permissions, timeouts); the children are named from the
 * component's name (`<name>-http`, `<name>-access-logs`, `<name>-stage`) and parented to it.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

export interface HttpApiSpec {
  /** Physical API name, e.g. `LiveInsight-<stack>` (contracts/names.ts). */
  readonly apiName: string;
  readonly description: string;
  /** Absent: the API has no CORS configuration, so no origin gets a permissive answer. */
  readonly corsConfiguration?: pulumi.Input<aws.types.input.apigatewayv2.ApiCorsConfiguration>;
  /** Under /aws/vendedlogs/ (contracts/names.ts accessLogGroupName). */
  readonly accessLogGroupName: string;
  readonly logRetentionDays: pulumi.Input<number>;
  readonly throttleRateLimit: pulumi.Input<number>;
  readonly throttleBurstLimit: pulumi.Input<number>;
}

export interface HttpApi {
  readonly api: aws.apigatewayv2.Api;
  readonly stage: aws.apigatewayv2.Stage;
  readonly accessLogs: aws.cloudwatch.LogGroup;
  /** The stage's invoke URL without its trailing slash. */
  readonly url: pulumi.Output<string>;
}

export function createHttpApi(name: string, spec: HttpApiSpec, parent: pulumi.Resource): HttpApi {
  const api = new aws.apigatewayv2.Api(
    `${name}-http`,
    {
      name: spec.apiName,
      protocolType: "HTTP",
      description: spec.description,
      ...(spec.corsConfiguration === undefined ? {} : { corsConfiguration: spec.corsConfiguration }),
    },
    { parent },
  );
  // Under /aws/vendedlogs/ API Gateway's log delivery needs no entry in the account's CloudWatch
  // Logs resource policy, whose 5,120-character limit otherwise fills up after a few APIs
  // (CloudWatch Logs User Guide, "Enabling logging from AWS services").
  const accessLogs = new aws.cloudwatch.LogGroup(
    `${name}-access-logs`,
    { name: spec.accessLogGroupName, retentionInDays: spec.logRetentionDays },
    { parent },
  );
  const stage = new aws.apigatewayv2.Stage(
    `${name}-stage`,
    {
      apiId: api.id,
      name: "$default",
      autoDeploy: true,
      defaultRouteSettings: { throttlingRateLimit: spec.throttleRateLimit, throttlingBurstLimit: spec.throttleBurstLimit },
      accessLogSettings: { destinationArn: accessLogs.arn, format: accessLogFormat() },
    },
    { parent },
  );
  return { api, stage, accessLogs, url: stage.invokeUrl.apply((u) => u.replace(/\/+$/, "")) };
}

/** An AWS_PROXY integration (payload 2.0) of `fn`, giving up after `timeoutMs`. */
export function createLambdaIntegration(
  resourceName: string,
  api: aws.apigatewayv2.Api,
  fn: aws.lambda.Function,
  timeoutMs: pulumi.Input<number>,
  parent: pulumi.Resource,
): aws.apigatewayv2.Integration {
  return new aws.apigatewayv2.Integration(
    resourceName,
    {
      apiId: api.id,
      integrationType: "AWS_PROXY",
      integrationUri: fn.arn,
      integrationMethod: "POST",
      payloadFormatVersion: "2.0",
      timeoutMilliseconds: timeoutMs,
    },
    { parent },
  );
}

/**
 * Pure: one JSON object per request. Every value is quoted because API Gateway writes "-" for a
 * missing value, which would break unquoted JSON. No source IP or user agent: the functions keep
 * only an IP prefix, and the access log must not undo that.
 */
export function accessLogFormat(): string {
  return JSON.stringify({
    requestId: "$context.requestId",
    // The dimension of the ThrottledRequests metric filter (components/metrics/filters.ts).
    apiId: "$context.apiId",
    requestTimeEpoch: "$context.requestTimeEpoch",
    httpMethod: "$context.httpMethod",
    routeKey: "$context.routeKey",
    path: "$context.path",
    status: "$context.status",
    protocol: "$context.protocol",
    responseLength: "$context.responseLength",
    responseLatency: "$context.responseLatency",
    integrationLatency: "$context.integrationLatency",
    // `integration.status` is the status the function answered; `integrationStatus` would be
    // Lambda's invoke status (200 even when the function answered 503). API Gateway HTTP API
    // access-logging variables: $context.integration.status, $context.integration.error.
    integrationStatus: "$context.integration.status",
    integrationError: "$context.integration.error",
    integrationErrorMessage: "$context.integrationErrorMessage",
    error: "$context.error.message",
  });
}
