/**
 * CollectorApi: the HTTP API (CORS, throttled `$default` stage with JSON access logs), the routes
 * `POST /events` and `GET /realtime`, and behind them the two functions with their roles, log
 * groups and event-invoke configs. Function code is bundled from functions/ by the program itself.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Architecture, DEFAULTS, SdkRetryMode } from "../config";
import { TABLE_ENV } from "../functions/shared/schema";
import { bundleFunction } from "./bundle";
import { collectorPolicy, lambdaAssumeRolePolicy, PolicyDocument, realtimePolicy } from "./iam";

export interface CollectorApiArgs {
  /** Stack name: function names are `LiveInsight-<stack>-collector` / `-realtime`; also ENVIRONMENT. */
  readonly stack: string;
  readonly eventsTableName: pulumi.Input<string>;
  readonly eventsTableArn: pulumi.Input<string>;
  readonly sessionsTableName: pulumi.Input<string>;
  readonly sessionsTableArn: pulumi.Input<string>;
  readonly activeSessionsTableName: pulumi.Input<string>;
  readonly activeSessionsTableArn: pulumi.Input<string>;
  /** Lambda memory in MB. Default DEFAULTS.memorySize (256). */
  readonly memorySize?: pulumi.Input<number>;
  /** Lambda timeout in seconds. Default DEFAULTS.timeoutSeconds (10). */
  readonly timeoutSeconds?: pulumi.Input<number>;
  /** Default "arm64". */
  readonly architecture?: pulumi.Input<Architecture>;
  /** Reserved concurrency per function, -1 = unreserved. Default -1. */
  readonly reservedConcurrency?: pulumi.Input<number>;
  /** Retention of the function and access log groups. Default 30 days. */
  readonly logRetentionDays?: pulumi.Input<number>;
  /** EVENT_RETENTION_DAYS for the collector (TTL of Events and Sessions). Default 90. */
  readonly eventRetentionDays?: pulumi.Input<number>;
  /** AWS_MAX_ATTEMPTS. Default 3. */
  readonly sdkMaxAttempts?: pulumi.Input<number>;
  /** AWS_RETRY_MODE. Default "standard". */
  readonly sdkRetryMode?: pulumi.Input<SdkRetryMode>;
  /** Stage steady-state rate limit (requests/s). Default 100. */
  readonly throttleRateLimit?: pulumi.Input<number>;
  /** Stage burst limit. Default 200. */
  readonly throttleBurstLimit?: pulumi.Input<number>;
  /** CORS allowed origins. Default ["*"]. */
  readonly corsOrigins?: pulumi.Input<pulumi.Input<string>[]>;
  /** Integration timeout in ms; keep it above the function timeout. Default 12000. */
  readonly integrationTimeoutMs?: pulumi.Input<number>;
}

/** The settings the function environments are built from, resolved. */
export interface FunctionEnvSettings {
  readonly stack: string;
  readonly eventsTableName: string;
  readonly sessionsTableName: string;
  readonly activeSessionsTableName: string;
  readonly eventRetentionDays: number;
  readonly sdkMaxAttempts: number;
  readonly sdkRetryMode: string;
}

export type RealtimeEnvSettings = Pick<FunctionEnvSettings, "stack" | "activeSessionsTableName" | "sdkMaxAttempts" | "sdkRetryMode">;

/** One function behind the API, with everything it owns. */
export interface ApiFunction {
  readonly function: aws.lambda.Function;
  readonly logGroup: aws.cloudwatch.LogGroup;
  readonly role: aws.iam.Role;
}

interface FunctionSpec {
  readonly kind: "collector" | "realtime";
  readonly environment: pulumi.Input<Record<string, string>>;
  /** Built from names and the account scope only, so it is known at a first preview. */
  readonly policy: (logGroupName: string) => pulumi.Output<PolicyDocument>;
}

export class CollectorApi extends pulumi.ComponentResource {
  public readonly apiId: pulumi.Output<string>;
  public readonly stageName: pulumi.Output<string>;
  /** Base URL of the API, without a trailing slash. */
  public readonly url: pulumi.Output<string>;
  public readonly eventsUrl: pulumi.Output<string>;
  public readonly realtimeUrl: pulumi.Output<string>;
  public readonly collectorFunctionName: pulumi.Output<string>;
  public readonly realtimeFunctionName: pulumi.Output<string>;
  public readonly collectorLogGroupName: pulumi.Output<string>;
  public readonly realtimeLogGroupName: pulumi.Output<string>;
  public readonly accessLogGroupName: pulumi.Output<string>;

  constructor(name: string, args: CollectorApiArgs, opts?: pulumi.ComponentResourceOptions) {
    super("liveinsight:api:CollectorApi", name, {}, opts);
    const { collector, realtime } = this.createFunctions(name, args);
    const { api, stage, accessLogs } = this.createApi(name, args);
    this.createRoute(name, "events", "POST /events", api, collector.function, args);
    this.createRoute(name, "realtime", "GET /realtime", api, realtime.function, args);

    this.apiId = api.id;
    this.stageName = stage.name;
    this.url = stage.invokeUrl.apply((u) => u.replace(/\/+$/, ""));
    this.eventsUrl = pulumi.interpolate`${this.url}/events`;
    this.realtimeUrl = pulumi.interpolate`${this.url}/realtime`;
    this.collectorFunctionName = collector.function.name;
    this.realtimeFunctionName = realtime.function.name;
    this.collectorLogGroupName = collector.logGroup.name;
    this.realtimeLogGroupName = realtime.logGroup.name;
    this.accessLogGroupName = accessLogs.name;
    this.registerOutputs({
      apiId: this.apiId,
      url: this.url,
      collectorFunctionName: this.collectorFunctionName,
      realtimeFunctionName: this.realtimeFunctionName,
    });
  }

  /** Both functions; each gets only the tables, actions and environment it uses. */
  private createFunctions(name: string, args: CollectorApiArgs): { collector: ApiFunction; realtime: ApiFunction } {
    const common = {
      stack: args.stack,
      sdkMaxAttempts: args.sdkMaxAttempts ?? DEFAULTS.sdkMaxAttempts,
      sdkRetryMode: args.sdkRetryMode ?? DEFAULTS.sdkRetryMode,
    };
    const collector = this.createFunction(name, args, {
      kind: "collector",
      environment: pulumi
        .output({
          ...common,
          eventsTableName: args.eventsTableName,
          sessionsTableName: args.sessionsTableName,
          activeSessionsTableName: args.activeSessionsTableName,
          eventRetentionDays: args.eventRetentionDays ?? DEFAULTS.eventRetentionDays,
        })
        .apply(collectorEnvironment),
      policy: (logGroupName) =>
        pulumi
          .output({
            ...accountScope(this),
            eventsTableName: args.eventsTableName,
            sessionsTableName: args.sessionsTableName,
            activeSessionsTableName: args.activeSessionsTableName,
            logGroupName,
          })
          .apply(collectorPolicy),
    });
    // The realtime function only reads ActiveSessions, so only that table reaches its environment.
    const realtime = this.createFunction(name, args, {
      kind: "realtime",
      environment: pulumi.output({ ...common, activeSessionsTableName: args.activeSessionsTableName }).apply(realtimeEnvironment),
      policy: (logGroupName) =>
        pulumi.output({ ...accountScope(this), activeSessionsTableName: args.activeSessionsTableName, logGroupName }).apply(realtimePolicy),
    });
    return { collector, realtime };
  }

  /** Log group first, then role and policy, then the function that needs both. */
  private createFunction(name: string, args: CollectorApiArgs, spec: FunctionSpec): ApiFunction {
    const functionName = functionNameFor(args.stack, spec.kind);
    const prefix = `${name}-${spec.kind}`;
    const logGroup = new aws.cloudwatch.LogGroup(
      `${prefix}-logs`,
      { name: logGroupNameFor(functionName), retentionInDays: args.logRetentionDays ?? DEFAULTS.logRetentionDays },
      { parent: this },
    );
    const role = new aws.iam.Role(`${prefix}-role`, { assumeRolePolicy: JSON.stringify(lambdaAssumeRolePolicy()) }, { parent: this });
    const policy = new aws.iam.RolePolicy(
      `${prefix}-policy`,
      { role: role.id, policy: spec.policy(logGroupNameFor(functionName)).apply((doc) => JSON.stringify(doc)) },
      { parent: this },
    );
    const fn = new aws.lambda.Function(
      prefix,
      {
        name: functionName,
        runtime: "nodejs22.x",
        architectures: [args.architecture ?? DEFAULTS.architecture],
        handler: "index.handler",
        code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(bundleFunction(`functions/${spec.kind}.ts`)) }),
        role: role.arn,
        memorySize: args.memorySize ?? DEFAULTS.memorySize,
        timeout: args.timeoutSeconds ?? DEFAULTS.timeoutSeconds,
        reservedConcurrentExecutions: args.reservedConcurrency ?? DEFAULTS.reservedConcurrency,
        environment: { variables: spec.environment },
        // Text format passes the functions' own JSON lines (written straight to stdout) through
        // unchanged, which is what the metric filters parse.
        loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
      },
      // Without the log group first, Lambda would create it on first invoke with no retention.
      { parent: this, dependsOn: [logGroup, policy] },
    );
    // The API invokes synchronously, so these settings never touch real traffic; they bound stray
    // asynchronous invokes (console tests, misdirected events), whose default of two retries over
    // six hours would only replay duplicate writes long after the caller has gone.
    new aws.lambda.FunctionEventInvokeConfig(
      `${prefix}-invoke-config`,
      { functionName: fn.name, maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60 },
      { parent: this },
    );
    return { function: fn, logGroup, role };
  }

  private createApi(name: string, args: CollectorApiArgs) {
    const api = new aws.apigatewayv2.Api(
      `${name}-http`,
      {
        name: `LiveInsight-${args.stack}`,
        protocolType: "HTTP",
        description: `LiveInsight collector API (${args.stack})`,
        corsConfiguration: {
          allowOrigins: args.corsOrigins ?? [...DEFAULTS.corsOrigins],
          allowMethods: ["GET", "OPTIONS", "POST"],
          allowHeaders: ["content-type"],
          // Browsers cap preflight caching at two hours (Chromium), so longer buys nothing.
          maxAge: 7200,
        },
      },
      { parent: this },
    );
    const accessLogs = new aws.cloudwatch.LogGroup(
      `${name}-access-logs`,
      { name: `/aws/apigateway/LiveInsight-${args.stack}/access`, retentionInDays: args.logRetentionDays ?? DEFAULTS.logRetentionDays },
      { parent: this },
    );
    const stage = new aws.apigatewayv2.Stage(
      `${name}-stage`,
      {
        apiId: api.id,
        name: "$default",
        autoDeploy: true,
        defaultRouteSettings: {
          throttlingRateLimit: args.throttleRateLimit ?? DEFAULTS.throttleRateLimit,
          throttlingBurstLimit: args.throttleBurstLimit ?? DEFAULTS.throttleBurstLimit,
        },
        accessLogSettings: { destinationArn: accessLogs.arn, format: accessLogFormat() },
      },
      { parent: this },
    );
    return { api, stage, accessLogs };
  }

  private createRoute(name: string, id: string, routeKey: string, api: aws.apigatewayv2.Api, fn: aws.lambda.Function, args: CollectorApiArgs) {
    const integration = new aws.apigatewayv2.Integration(
      `${name}-${id}-integration`,
      {
        apiId: api.id,
        integrationType: "AWS_PROXY",
        integrationUri: fn.arn,
        integrationMethod: "POST",
        payloadFormatVersion: "2.0",
        timeoutMilliseconds: args.integrationTimeoutMs ?? DEFAULTS.integrationTimeoutMs,
      },
      { parent: this },
    );
    const target = pulumi.interpolate`integrations/${integration.id}`;
    new aws.apigatewayv2.Route(`${name}-${id}-route`, { apiId: api.id, routeKey, target }, { parent: this });
    // Without a catch-all, API Gateway answers a wrong method with 404; routing ANY to the same
    // function lets it answer 405 with an Allow header (SPEC §4). The method route stays the
    // documented one; preflight OPTIONS is still answered by the API's CORS configuration.
    const [, path] = routeKey.split(" ");
    new aws.apigatewayv2.Route(`${name}-${id}-any-route`, { apiId: api.id, routeKey: `ANY ${path}`, target }, { parent: this });
    new aws.lambda.Permission(
      `${name}-${id}-permission`,
      {
        action: "lambda:InvokeFunction",
        function: fn.name,
        principal: "apigateway.amazonaws.com",
        // Any stage and method of this API, this path only.
        sourceArn: pulumi.interpolate`${api.executionArn}/*/*${path}`,
      },
      { parent: this },
    );
  }
}

/** Lambda's own log-group name for a function; created up front so its retention is ours. */
export function logGroupNameFor(functionName: string): string {
  return `/aws/lambda/${functionName}`;
}

/** Partition, region and account of the provider: invokes, so known during preview as well. */
function accountScope(parent: pulumi.Resource) {
  return {
    partition: aws.getPartitionOutput({}, { parent }).partition,
    region: aws.getRegionOutput({}, { parent }).region,
    accountId: aws.getCallerIdentityOutput({}, { parent }).accountId,
  };
}

export function functionNameFor(stack: string, kind: "collector" | "realtime"): string {
  return `LiveInsight-${stack}-${kind}`;
}

/** Pure: the collector's environment (SPEC §2). DYNAMODB_ENDPOINT is local-only and never set here. */
export function collectorEnvironment(s: FunctionEnvSettings): Record<string, string> {
  return {
    [TABLE_ENV.events]: s.eventsTableName,
    [TABLE_ENV.sessions]: s.sessionsTableName,
    [TABLE_ENV.activeSessions]: s.activeSessionsTableName,
    ENVIRONMENT: s.stack,
    EVENT_RETENTION_DAYS: String(s.eventRetentionDays),
    AWS_MAX_ATTEMPTS: String(s.sdkMaxAttempts),
    AWS_RETRY_MODE: s.sdkRetryMode,
  };
}

/** Pure: the realtime function reads ActiveSessions only, so it gets only that table. */
export function realtimeEnvironment(s: RealtimeEnvSettings): Record<string, string> {
  return {
    [TABLE_ENV.activeSessions]: s.activeSessionsTableName,
    ENVIRONMENT: s.stack,
    AWS_MAX_ATTEMPTS: String(s.sdkMaxAttempts),
    AWS_RETRY_MODE: s.sdkRetryMode,
  };
}

/**
 * Pure: one JSON object per request. Every value is quoted because API Gateway writes "-" for a
 * missing value, which would break unquoted JSON. No source IP or user agent: the functions keep
 * only an IP prefix, and the access log must not undo that.
 */
export function accessLogFormat(): string {
  return JSON.stringify({
    requestId: "$context.requestId",
    requestTimeEpoch: "$context.requestTimeEpoch",
    httpMethod: "$context.httpMethod",
    routeKey: "$context.routeKey",
    path: "$context.path",
    status: "$context.status",
    protocol: "$context.protocol",
    responseLength: "$context.responseLength",
    responseLatency: "$context.responseLatency",
    integrationLatency: "$context.integrationLatency",
    integrationStatus: "$context.integrationStatus",
    integrationError: "$context.integrationErrorMessage",
    error: "$context.error.message",
  });
}
