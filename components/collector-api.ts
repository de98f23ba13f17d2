/**
 * CollectorApi: the HTTP API (CORS, throttled `$default` stage with JSON access logs), the routes
 * of contracts/edge.ts (`POST /events`, `GET /realtime`, `GET /tracker.js`), and behind them the two functions with their roles, log
 * groups and event-invoke configs. Function code is bundled from functions/ by the program itself.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { corsConfiguration, EDGE_PATHS, edgeRoutes, type RouteTarget } from "../contracts/edge";
import { FUNCTION_TABLES, type FunctionKind, functionEnvironment } from "../contracts/function-env";
import { accessLogGroupName, apiName, lambdaLogGroupName, functionName as physicalFunctionName } from "../contracts/names";
import { bundleFunction } from "./bundle";
import type { CollectorApiArgs } from "./collector-api-args";
import { createHttpApi, createLambdaIntegration } from "./http-api";
import { collectorPolicy, lambdaAssumeRolePolicy, type PolicyDocument, realtimePolicy } from "./iam";
import { trackerAsset } from "./tracker-asset";

export type { CollectorApiArgs, CollectorApiFunctions, CollectorApiHttp, CollectorApiTables, TableRef } from "./collector-api-args";
export { accessLogFormat } from "./http-api";

/** One function behind the API, with everything it owns. */
export interface ApiFunction {
  readonly function: aws.lambda.Function;
  readonly logGroup: aws.cloudwatch.LogGroup;
  readonly role: aws.iam.Role;
}

interface FunctionSpec {
  readonly kind: FunctionKind;
  /** File name → content of the deployment archive. */
  readonly code: Record<string, string>;
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
  /** Where site owners load the tracker from (docs/tracker.md). */
  public readonly trackerUrl: pulumi.Output<string>;
  public readonly collectorFunctionName: pulumi.Output<string>;
  public readonly realtimeFunctionName: pulumi.Output<string>;
  public readonly collectorLogGroupName: pulumi.Output<string>;
  public readonly realtimeLogGroupName: pulumi.Output<string>;
  public readonly accessLogGroupName: pulumi.Output<string>;

  constructor(name: string, args: CollectorApiArgs, opts?: pulumi.ComponentResourceOptions) {
    super("liveinsight:api:CollectorApi", name, {}, opts);
    const { collector, realtime } = this.createFunctions(name, args);
    const { api, stage, accessLogs, url } = this.createApi(name, args);
    this.createRoutes(name, api, { collector: collector.function, realtime: realtime.function }, args);

    this.apiId = api.id;
    this.stageName = stage.name;
    this.url = url;
    this.eventsUrl = pulumi.interpolate`${this.url}/events`;
    this.realtimeUrl = pulumi.interpolate`${this.url}/realtime`;
    this.trackerUrl = pulumi.interpolate`${this.url}/tracker.js`;
    this.collectorFunctionName = collector.function.name;
    this.realtimeFunctionName = realtime.function.name;
    this.collectorLogGroupName = collector.logGroup.name;
    this.realtimeLogGroupName = realtime.logGroup.name;
    this.accessLogGroupName = accessLogs.name;
    this.registerOutputs({
      apiId: this.apiId,
      url: this.url,
      trackerUrl: this.trackerUrl,
      collectorFunctionName: this.collectorFunctionName,
      realtimeFunctionName: this.realtimeFunctionName,
    });
  }

  /** Both functions; each gets only the tables, actions and environment it uses. */
  private createFunctions(name: string, args: CollectorApiArgs): { collector: ApiFunction; realtime: ApiFunction } {
    // From the names of the tables the function uses only, so its environment waits for nothing else.
    const environment = (kind: FunctionKind) =>
      pulumi
        .output(Object.fromEntries(FUNCTION_TABLES[kind].map((table) => [table, args.tables[table].name])))
        .apply((tables) => functionEnvironment(kind, args.stack, tables, args.functionSettings));
    const collector = this.createFunction(name, args, {
      kind: "collector",
      // The collector also serves GET /tracker.js (see ROUTE_HOST), from the built script beside it.
      code: { "index.js": bundleFunction("functions/collector-edge.ts"), "tracker.js": trackerAsset().script },
      environment: environment("collector"),
      policy: (logGroupName) =>
        pulumi
          .output({
            ...accountScope(this),
            eventsTableName: args.tables.events.name,
            sessionsTableName: args.tables.sessions.name,
            activeSessionsTableName: args.tables.activeSessions.name,
            logGroupName,
          })
          .apply(collectorPolicy),
    });
    // The realtime function only reads ActiveSessions, so only that table reaches its environment.
    const realtime = this.createFunction(name, args, {
      kind: "realtime",
      code: { "index.js": bundleFunction("functions/realtime.ts") },
      environment: environment("realtime"),
      policy: (logGroupName) =>
        pulumi
          .output({ ...accountScope(this), activeSessionsTableName: args.tables.activeSessions.name, logGroupName })
          .apply(realtimePolicy),
    });
    return { collector, realtime };
  }

  /** Log group first, then role and policy, then the function that needs both. */
  private createFunction(name: string, args: CollectorApiArgs, spec: FunctionSpec): ApiFunction {
    const functionName = physicalFunctionName(args.stack, spec.kind);
    const prefix = `${name}-${spec.kind}`;
    const logGroup = new aws.cloudwatch.LogGroup(
      `${prefix}-logs`,
      { name: lambdaLogGroupName(functionName), retentionInDays: args.functions.logRetentionDays },
      { parent: this },
    );
    const role = new aws.iam.Role(`${prefix}-role`, { assumeRolePolicy: JSON.stringify(lambdaAssumeRolePolicy()) }, { parent: this });
    const policy = new aws.iam.RolePolicy(
      `${prefix}-policy`,
      { role: role.id, policy: spec.policy(lambdaLogGroupName(functionName)).apply((doc) => JSON.stringify(doc)) },
      { parent: this },
    );
    const fn = new aws.lambda.Function(
      prefix,
      {
        name: functionName,
        runtime: "nodejs22.x",
        architectures: [args.functions.architecture],
        handler: "index.handler",
        code: new pulumi.asset.AssetArchive(
          Object.fromEntries(Object.entries(spec.code).map(([file, text]) => [file, new pulumi.asset.StringAsset(text)])),
        ),
        role: role.arn,
        memorySize: args.functions.memorySize,
        timeout: args.functions.timeoutSeconds,
        reservedConcurrentExecutions: args.functions.reservedConcurrency,
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
    return createHttpApi(
      name,
      {
        apiName: apiName(args.stack),
        description: `LiveInsight collector API (${args.stack})`,
        // The same CORS settings local mode emulates (contracts/edge.ts).
        corsConfiguration: pulumi.output(args.api.corsOrigins).apply(corsConfiguration),
        accessLogGroupName: accessLogGroupName(args.stack),
        logRetentionDays: args.functions.logRetentionDays,
        throttleRateLimit: args.api.throttleRateLimit,
        throttleBurstLimit: args.api.throttleBurstLimit,
      },
      this,
    );
  }

  /**
   * One route per (path, method) of contracts/edge.ts, all to the hosting function's integration,
   * and one invoke permission per path.
   */
  private createRoutes(
    name: string,
    api: aws.apigatewayv2.Api,
    functions: Record<"collector" | "realtime", aws.lambda.Function>,
    args: CollectorApiArgs,
  ) {
    const integrations = {
      collector: createLambdaIntegration(`${name}-events-integration`, api, functions.collector, args.api.integrationTimeoutMs, this),
      realtime: createLambdaIntegration(`${name}-realtime-integration`, api, functions.realtime, args.api.integrationTimeoutMs, this),
    };
    for (const route of edgeRoutes()) {
      const id = route.primary ? `${name}-${route.path.id}-route` : `${name}-${route.path.id}-${route.method.toLowerCase()}-route`;
      const target = pulumi.interpolate`integrations/${integrations[ROUTE_HOST[route.path.target]].id}`;
      new aws.apigatewayv2.Route(id, { apiId: api.id, routeKey: route.routeKey, target }, { parent: this });
    }
    for (const path of EDGE_PATHS) {
      new aws.lambda.Permission(
        `${name}-${path.id}-permission`,
        {
          action: "lambda:InvokeFunction",
          function: functions[ROUTE_HOST[path.target]].name,
          principal: "apigateway.amazonaws.com",
          // Any stage and method of this API, this path only.
          sourceArn: pulumi.interpolate`${api.executionArn}/*/*${path.path}`,
        },
        { parent: this },
      );
    }
  }
}

/**
 * Which function serves each route target. GET /tracker.js is served by the collector function
 * (functions/collector-edge.ts) rather than anything else an HTTP API can front:
 * - HTTP APIs have no mock integration, and no S3 integration short of a public bucket behind an
 *   HTTP proxy (a second origin hop and a public bucket to guard);
 * - a function of its own would cold-start on the first page view after every idle spell and
 *   need its own role, log group and error alarm; the collector is the function every page load
 *   keeps warm, and the script is in memory, so a request takes a few milliseconds;
 * - cost per page load: `Cache-Control: public, max-age=86400` plus the ETag means a returning
 *   visitor fetches the script at most once a day and then revalidates with a 304, so it costs
 *   one API request and one short invocation per visitor-day, not per page view.
 */
const ROUTE_HOST: Record<RouteTarget, "collector" | "realtime"> = { collector: "collector", realtime: "realtime", tracker: "collector" };

/** Partition, region and account of the provider: invokes, so known during preview as well. */
export function accountScope(parent: pulumi.Resource) {
  return {
    partition: aws.getPartitionOutput({}, { parent }).partition,
    region: aws.getRegionOutput({}, { parent }).region,
    accountId: aws.getCallerIdentityOutput({}, { parent }).accountId,
  };
}
