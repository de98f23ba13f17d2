/**
 * StatsApi: the stats function (GET /stats, /stats/realtime, /dashboard; functions/stats.ts) on
 * an HTTP API of its own, the key it checks as a Secrets Manager secret generated per stack, and
 * least-privilege IAM for Athena, Glue, S3, Secrets Manager and the live count.
 *
 * Its own API, not routes on the collector's: an HTTP API's CORS configuration applies to every
 * route and replaces whatever the function answers ("If you configure CORS for an API, API Gateway
 * ignores CORS headers returned from your backend integration",
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html), and the
 * collector's must allow the sites' origins (dev: `*`). This API has no CORS configuration: the
 * dashboard is same-origin and no other origin gets a permissive answer. The API, its access log
 * and stage come from components/http-api.ts, as the collector's do.
 *
 * The key: 32 random bytes made once, at the secret's creation, kept as a Pulumi secret in the
 * state (encrypted) and never exported. `ignoreChanges` keeps later runs from replacing it, so it
 * is rotated by writing a new value to the secret (docs/stats.md); the function re-reads it within
 * a minute.
 */
import { randomBytes } from "node:crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { FUNCTION_TABLES, type FunctionSettings, functionEnvironment } from "../contracts/function-env";
import {
  lambdaLogGroupName,
  functionName as physicalFunctionName,
  QUERY_WORKLOAD,
  statsAccessLogGroupName,
  statsApiName,
  WORKLOAD_TAG,
} from "../contracts/names";
import { STATS_ENV, STATS_PATHS, statsSecretName } from "../contracts/stats";
import { bundleFunction } from "./bundle";
import type { Architecture, CollectorApiTables } from "./collector-api-args";
import { dashboardPage } from "./dashboard-asset";
import { createHttpApi, createLambdaIntegration } from "./http-api";
import { lambdaAssumeRolePolicy } from "./iam";
import { statsPolicy, statsPolicyNames } from "./stats-api-policy";

export interface StatsApiArgs {
  /** Stack name: function `LiveInsight-<stack>-stats`, API `LiveInsight-<stack>-stats`. */
  readonly stack: string;
  /**
   * The stack's tables; the function gets those the realtime reader uses (FUNCTION_TABLES.realtime,
   * as the realtime function does), since the dashboard's live count is read the same way.
   */
  readonly tables: CollectorApiTables;
  /**
   * The archive's Glue database and table and its Athena workgroup (HistoryArchive's outputs): the
   * function's environment, so it is created after them. Its IAM document is built from the same
   * physical names (contracts/names.ts) and the account lookups instead, so it is known at a first
   * preview, as every other role's document is (components/iam.ts): buckets, catalog, workgroup.
   */
  readonly databaseName: pulumi.Input<string>;
  readonly tableName: pulumi.Input<string>;
  readonly workgroupName: pulumi.Input<string>;
  /** Memory of the stats function (liveinsight:statsMemorySize). */
  readonly memorySize: pulumi.Input<number>;
  readonly architecture: pulumi.Input<Architecture>;
  /** Of the function's log group and the API's access log group. */
  readonly logRetentionDays: pulumi.Input<number>;
  /** The stats API stage's limits (liveinsight:statsThrottleRateLimit / statsThrottleBurstLimit). */
  readonly throttleRateLimit: pulumi.Input<number>;
  readonly throttleBurstLimit: pulumi.Input<number>;
  /** The archive's retention (eventRetentionDays): the longest /stats range. */
  readonly retentionDays: number;
  /** The SDK retry settings and the rest of contracts/function-env.ts. */
  readonly functionSettings: FunctionSettings;
}

/** API Gateway's integration limit (30 s, cannot be raised), and the function's timeout below it. */
export const STATS_INTEGRATION_TIMEOUT_MS = 30_000;
export const STATS_FUNCTION_TIMEOUT_S = 29;

export class StatsApi extends pulumi.ComponentResource {
  public readonly url: pulumi.Output<string>;
  public readonly dashboardUrl: pulumi.Output<string>;
  /** The secret's name and ARN, never its value: `aws secretsmanager get-secret-value --secret-id <name>`. */
  public readonly keySecretName: pulumi.Output<string>;
  public readonly keySecretArn: pulumi.Output<string>;
  public readonly functionName: pulumi.Output<string>;

  constructor(name: string, args: StatsApiArgs, opts?: pulumi.ComponentResourceOptions) {
    super("liveinsight:stats:StatsApi", name, {}, opts);
    const secretName = statsSecretName(args.stack);
    const secret = new aws.secretsmanager.Secret(
      `${name}-key`,
      { name: secretName, description: "LiveInsight stats API key (Bearer)" },
      { parent: this },
    );
    new aws.secretsmanager.SecretVersion(
      `${name}-key-value`,
      { secretId: secret.id, secretString: pulumi.secret(randomBytes(32).toString("base64url")) },
      { parent: this, ignoreChanges: ["secretString"] },
    );
    const fn = this.createFunction(name, args, secretName);
    this.url = this.createApi(name, args, fn);
    this.dashboardUrl = pulumi.interpolate`${this.url}${STATS_PATHS.dashboard}`;
    this.keySecretName = secret.name;
    this.keySecretArn = secret.arn;
    this.functionName = fn.name;
    this.registerOutputs({
      url: this.url,
      dashboardUrl: this.dashboardUrl,
      keySecretName: this.keySecretName,
      keySecretArn: this.keySecretArn,
      functionName: this.functionName,
    });
  }

  private createFunction(name: string, args: StatsApiArgs, secretName: string): aws.lambda.Function {
    const functionName = physicalFunctionName(args.stack, "stats");
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { name: lambdaLogGroupName(functionName), retentionInDays: args.logRetentionDays },
      { parent: this },
    );
    const role = new aws.iam.Role(`${name}-role`, { assumeRolePolicy: JSON.stringify(lambdaAssumeRolePolicy()) }, { parent: this });
    const scope = {
      partition: aws.getPartitionOutput({}, { parent: this }).partition,
      region: aws.getRegionOutput({}, { parent: this }).region,
      accountId: aws.getCallerIdentityOutput({}, { parent: this }).accountId,
    };
    const document = pulumi
      .output({ ...scope, activeSessionsTableName: args.tables.activeSessions.name })
      .apply((known) => statsPolicy(statsPolicyNames(args.stack, known, { secretName, logGroupName: lambdaLogGroupName(functionName) })));
    const policy = new aws.iam.RolePolicy(
      `${name}-policy`,
      { role: role.id, policy: document.apply((d) => JSON.stringify(d)) },
      { parent: this },
    );
    const page = dashboardPage();
    const liveTables = Object.fromEntries(FUNCTION_TABLES.realtime.map((table) => [table, args.tables[table].name]));
    const environment = pulumi
      .output({
        tables: liveTables,
        workgroup: args.workgroupName,
        database: args.databaseName,
        table: args.tableName,
      })
      .apply((v) => ({
        // The realtime function's environment: the live count goes through the same reader.
        ...functionEnvironment("realtime", args.stack, v.tables, args.functionSettings),
        [STATS_ENV.keySecret]: secretName,
        [STATS_ENV.workgroup]: v.workgroup,
        [STATS_ENV.database]: v.database,
        [STATS_ENV.table]: v.table,
        [STATS_ENV.retentionDays]: String(args.retentionDays),
      }));
    const fn = new aws.lambda.Function(
      name,
      {
        name: functionName,
        runtime: "nodejs22.x",
        architectures: [args.architecture],
        handler: "index.handler",
        code: new pulumi.asset.AssetArchive({
          "index.js": new pulumi.asset.StringAsset(bundleFunction("functions/stats.ts")),
          "dashboard.html": new pulumi.asset.StringAsset(page.app),
          "login.html": new pulumi.asset.StringAsset(page.login),
        }),
        role: role.arn,
        memorySize: args.memorySize,
        timeout: STATS_FUNCTION_TIMEOUT_S,
        environment: { variables: environment },
        loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
        // The policy pack judges it by its query ranges (up to 29 s), not the collector's (docs/policy.md).
        tags: { [WORKLOAD_TAG]: QUERY_WORKLOAD },
      },
      { parent: this, dependsOn: [logGroup, policy] },
    );
    new aws.lambda.FunctionEventInvokeConfig(
      `${name}-invoke-config`,
      { functionName: fn.name, maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60 },
      { parent: this },
    );
    return fn;
  }

  /** The API with its access log and stage, the routes and the invoke permission; returns the base URL. */
  private createApi(name: string, args: StatsApiArgs, fn: aws.lambda.Function): pulumi.Output<string> {
    const { api, url } = createHttpApi(
      name,
      {
        apiName: statsApiName(args.stack),
        description: `LiveInsight stats API (${args.stack})`,
        accessLogGroupName: statsAccessLogGroupName(args.stack),
        logRetentionDays: args.logRetentionDays,
        throttleRateLimit: args.throttleRateLimit,
        throttleBurstLimit: args.throttleBurstLimit,
      },
      this,
    );
    const integration = createLambdaIntegration(`${name}-integration`, api, fn, STATS_INTEGRATION_TIMEOUT_MS, this);
    // The key is checked by the function (the 401 of /dashboard is the key form, which an API
    // Gateway authorizer's fixed 401 body could not be); the policy pack checks each of these
    // routes reaches a function that holds the key (policy/stats.ts).
    for (const [id, path] of Object.entries(STATS_PATHS)) {
      new aws.apigatewayv2.Route(
        `${name}-${id}-route`,
        { apiId: api.id, routeKey: `GET ${path}`, target: pulumi.interpolate`integrations/${integration.id}` },
        { parent: this },
      );
    }
    new aws.lambda.Permission(
      `${name}-permission`,
      {
        action: "lambda:InvokeFunction",
        function: fn.name,
        principal: "apigateway.amazonaws.com",
        sourceArn: pulumi.interpolate`${api.executionArn}/*/GET/*`,
      },
      { parent: this },
    );
    return url;
  }
}
