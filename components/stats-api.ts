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
 * dashboard is same-origin and no other origin gets a permissive answer.
 *
 * The key: 32 random bytes made once, at the secret's creation, kept as a Pulumi secret in the
 * state (encrypted) and never exported. `ignoreChanges` keeps later runs from replacing it, so it
 * is rotated by writing a new value to the secret (docs/stats.md); the function re-reads it within
 * a minute.
 */
import { randomBytes } from "node:crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type FunctionSettings, functionEnvironment } from "../contracts/function-env";
import { lambdaLogGroupName, functionName as physicalFunctionName, stackPrefix } from "../contracts/names";
import { STATS_ENV, STATS_PATHS, statsSecretName } from "../contracts/stats";
import { bundleFunction } from "./bundle";
import { dashboardPage } from "./dashboard-asset";
import { lambdaAssumeRolePolicy } from "./iam";
import { statsPolicy } from "./stats-api-policy";

export interface StatsApiArgs {
  /** Stack name: function `LiveInsight-<stack>-stats`, API `LiveInsight-<stack>-stats`. */
  readonly stack: string;
  /** The live count's table (the realtime counters, read with BatchGetItem as GET /realtime reads them). */
  readonly activeSessionsTableName: pulumi.Input<string>;
  /** The archive: its bucket, Glue database and table, and the Athena workgroup with its result location. */
  readonly archiveBucketName: pulumi.Input<string>;
  readonly databaseName: pulumi.Input<string>;
  readonly tableName: pulumi.Input<string>;
  readonly workgroupName: pulumi.Input<string>;
  readonly resultsBucketName: pulumi.Input<string>;
  /** Key prefix of the workgroup's result location, e.g. "stats/". */
  readonly resultsPrefix: pulumi.Input<string>;
  /** Memory of the stats function (default 512 MB: it only waits on Athena). */
  readonly memorySize?: pulumi.Input<number>;
  readonly architecture: pulumi.Input<"arm64" | "x86_64">;
  readonly logRetentionDays: pulumi.Input<number>;
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
  /** The secret's ARN, never its value: `aws secretsmanager get-secret-value --secret-id <arn>`. */
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
    const { api, stage } = this.createApi(name, args, fn);
    this.url = stage.invokeUrl.apply((u) => u.replace(/\/+$/, ""));
    this.dashboardUrl = pulumi.interpolate`${this.url}${STATS_PATHS.dashboard}`;
    this.keySecretArn = secret.arn;
    this.functionName = fn.name;
    void api;
    this.registerOutputs({
      url: this.url,
      dashboardUrl: this.dashboardUrl,
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
      .output({
        ...scope,
        activeSessionsTableName: args.activeSessionsTableName,
        logGroupName: lambdaLogGroupName(functionName),
        secretName,
        workgroupName: args.workgroupName,
        databaseName: args.databaseName,
        tableName: args.tableName,
        archiveBucketName: args.archiveBucketName,
        resultsBucketName: args.resultsBucketName,
        resultsPrefix: args.resultsPrefix,
      })
      .apply(statsPolicy);
    const policy = new aws.iam.RolePolicy(
      `${name}-policy`,
      { role: role.id, policy: document.apply((d) => JSON.stringify(d)) },
      { parent: this },
    );
    const page = dashboardPage();
    const environment = pulumi
      .output({
        activeSessions: args.activeSessionsTableName,
        workgroup: args.workgroupName,
        database: args.databaseName,
        table: args.tableName,
      })
      .apply((v) => ({
        ...functionEnvironment("realtime", args.stack, { activeSessions: v.activeSessions }, args.functionSettings),
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
        memorySize: args.memorySize ?? 512,
        timeout: STATS_FUNCTION_TIMEOUT_S,
        environment: { variables: environment },
        loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
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

  private createApi(name: string, args: StatsApiArgs, fn: aws.lambda.Function) {
    const api = new aws.apigatewayv2.Api(
      `${name}-http`,
      { name: `${stackPrefix(args.stack)}-stats`, protocolType: "HTTP", description: `LiveInsight stats API (${args.stack})` },
      { parent: this },
    );
    const stage = new aws.apigatewayv2.Stage(
      `${name}-stage`,
      {
        apiId: api.id,
        name: "$default",
        autoDeploy: true,
        defaultRouteSettings: { throttlingRateLimit: args.throttleRateLimit, throttlingBurstLimit: args.throttleBurstLimit },
      },
      { parent: this },
    );
    const integration = new aws.apigatewayv2.Integration(
      `${name}-integration`,
      {
        apiId: api.id,
        integrationType: "AWS_PROXY",
        integrationUri: fn.arn,
        integrationMethod: "POST",
        payloadFormatVersion: "2.0",
        timeoutMilliseconds: STATS_INTEGRATION_TIMEOUT_MS,
      },
      { parent: this },
    );
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
    return { api, stage };
  }
}
