/**
 * Observability: metric filters on both functions' log groups and the API access log, an SNS
 * alarm topic (optional e-mail),
 * the stack's alarms and one dashboard. A thin shell: what to watch, how to alarm and what to draw
 * is decided by the pure builders in ./metrics, which tests call without mocks.
 *
 * Every resource is plain `@pulumi/aws`. Alarms are `aws.cloudwatch.MetricAlarm` built straight
 * from their specs: awsx's classic `Metric#createAlarm` added nothing the specs do not already
 * check (statistic vs. percentile, the period rule is thresholdProblems'), could not express the
 * metric-math alarms at all, and made every fresh runner download the awsx and docker provider
 * plugins. The dashboard body comes from the pure `buildDashboardBody`.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { alarmTopicName } from "../contracts/names";
import {
  type AlarmSpec,
  type AlarmThresholds,
  type ArchiveResources,
  buildAlarmSpecs,
  buildDashboardBody,
  CUSTOM_NAMESPACE,
  dashboardConsoleUrl,
  dashboardName,
  EMAIL_ADDRESS,
  filterName,
  kebab,
  type LogSource,
  type MathAlarmSpec,
  METRIC_FILTERS,
  type MetricDef,
  type MonitoredResources,
  TABLE_LABELS,
  thresholdProblems,
} from "./metrics";

/** A function the stack watches: its metrics by name, its request lines in its log group. */
export interface ObservedFunction {
  readonly name: pulumi.Input<string>;
  /** Its log group: its ServerErrors filter (and, for the collector, the event metrics) attach here. */
  readonly logGroupName: pulumi.Input<string>;
  /** Its reserved concurrency (-1 = unreserved, and no concurrency alarm): its concurrency alarm's 100 %. */
  readonly reservedConcurrency: number;
}

export interface ObservedFunctions {
  readonly collector: ObservedFunction;
  readonly realtime: ObservedFunction;
}

export interface ObservedApi {
  /** HTTP API id (ApiId dimension). */
  readonly id: pulumi.Input<string>;
  /** Stage name (Stage dimension), "$default" for this API. */
  readonly stageName: pulumi.Input<string>;
  /** The API access log group: the 429 (ThrottledRequests) filter. */
  readonly accessLogGroupName: pulumi.Input<string>;
}

export interface AlarmSettings {
  /** When each alarm fires (liveinsight:alarmThresholds, resolved). */
  readonly thresholds: AlarmThresholds;
  /** Address subscribed to the alarm topic; undefined: the topic has no subscription. */
  readonly email: string | undefined;
  /** Also create the diagnostic alarms (liveinsight:diagnosticAlarms, default in config.ts). */
  readonly diagnostic: boolean;
}

export interface ObservabilityArgs {
  /** Stack name: the Environment dimension and part of every resource name. */
  readonly stack: string;
  /** The two functions of CollectorApi. */
  readonly functions: ObservedFunctions;
  /** The HTTP API of CollectorApi. */
  readonly api: ObservedApi;
  /** The three tables, in TABLE_SCHEMAS order: Events, Sessions, ActiveSessions. */
  readonly tableNames: pulumi.Input<string>[];
  /** Thresholds and recipient. */
  readonly alarms: AlarmSettings;
  /** The history archive's functions and failure queue; absent: no archive alarms or widgets. */
  readonly archive?: ArchiveResources<pulumi.Input<string>>;
  /** The stats function of StatsApi; absent: no stats alarms or widgets. */
  readonly statsFunctionName?: pulumi.Input<string>;
}

type In = pulumi.Input<string>;

export class Observability extends pulumi.ComponentResource {
  public readonly dashboardName: pulumi.Output<string>;
  /** CloudWatch console URL of the dashboard. */
  public readonly dashboardUrl: pulumi.Output<string>;
  public readonly alarmTopicArn: pulumi.Output<string>;

  constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
    const { thresholds, email: alarmEmail, diagnostic } = args.alarms;
    // Checked before registering anything, so a bad stack config fails without a half-built component.
    checkArgs(name, args, thresholds, alarmEmail);
    const region = requireRegion(name);
    super("liveinsight:observability:Observability", name, {}, opts);
    const resources = monitoredResources(args);

    const filters = createMetricFilters(name, args, this);
    const topic = new aws.sns.Topic(`${name}-alarms`, { name: alarmTopicName(args.stack) }, { parent: this });
    if (alarmEmail !== undefined) {
      // E-mail subscriptions stay "pending confirmation" until the recipient clicks the link AWS sends.
      new aws.sns.TopicSubscription(`${name}-alarm-email`, { topic: topic.arn, protocol: "email", endpoint: alarmEmail }, { parent: this });
    }
    for (const spec of buildAlarmSpecs(resources, thresholds, diagnostic)) {
      // An alarm on a custom metric waits for the filters that publish it.
      const metrics = spec.kind === "metric" ? [spec.metric] : spec.inputs.map((i) => i.metric);
      const producers = metrics.filter((m) => m.namespace === CUSTOM_NAMESPACE).flatMap((m) => filters.get(m.metricName) ?? []);
      createAlarm(`${name}-${spec.key}`, spec, topic.arn, { parent: this, dependsOn: producers });
    }

    const dashboard = new aws.cloudwatch.Dashboard(
      `${name}-dashboard`,
      {
        dashboardName: dashboardName(args.stack),
        dashboardBody: dashboardBodyJson(region, resources, thresholds, diagnostic, args.functions.collector.logGroupName),
      },
      { parent: this },
    );

    this.dashboardName = dashboard.dashboardName;
    this.dashboardUrl = dashboard.dashboardName.apply((n) => dashboardConsoleUrl(region, n));
    this.alarmTopicArn = topic.arn;
    this.registerOutputs({ dashboardName: this.dashboardName, dashboardUrl: this.dashboardUrl, alarmTopicArn: this.alarmTopicArn });
  }
}

function checkArgs(name: string, args: ObservabilityArgs, thresholds: AlarmThresholds, alarmEmail: string | undefined): void {
  const problems = thresholdProblems(thresholds);
  if (problems.length > 0) {
    throw new Error(`Observability "${name}": ${problems.join("; ")}. Fix liveinsight:alarmThresholds in Pulumi.${args.stack}.yaml.`);
  }
  if (args.tableNames.length !== TABLE_LABELS.length) {
    throw new Error(
      `Observability "${name}": tableNames must list ${TABLE_LABELS.length} tables (${TABLE_LABELS.join(", ")}); got ${args.tableNames.length}.`,
    );
  }
  // Alarm names label a table by its position. A plain-string name that disagrees is caught here;
  // Output names cannot be checked before deployment (a throw inside apply would only surface late).
  args.tableNames.forEach((table, i) => {
    if (typeof table === "string" && !table.endsWith(`-${TABLE_LABELS[i]}`)) {
      throw new Error(
        `Observability "${name}": tableNames[${i}] must be the ${TABLE_LABELS[i]} table; got ${table}. Pass the tables in the order ${TABLE_LABELS.join(", ")}.`,
      );
    }
  });
  if (alarmEmail !== undefined && !EMAIL_ADDRESS.test(alarmEmail)) {
    throw new Error(
      `Observability "${name}": alarmEmail must be an e-mail address; got "${alarmEmail}". Fix or remove liveinsight:alarmEmail in Pulumi.${args.stack}.yaml.`,
    );
  }
}

/**
 * The dashboard's widgets must name their region. It comes from the `aws:region` config (or
 * AWS_REGION), the same source the default provider uses; reading it needs no invoke, so the
 * component runs unchanged under Pulumi mocks.
 */
function requireRegion(name: string): string {
  const region = aws.config.region;
  if (!region) {
    throw new Error(
      `Observability "${name}" needs the AWS region for its dashboard: run \`pulumi config set aws:region <region>\` (or set AWS_REGION).`,
    );
  }
  return region;
}

function monitoredResources(args: ObservabilityArgs): MonitoredResources<In> {
  return {
    stack: args.stack,
    collectorFunctionName: args.functions.collector.name,
    realtimeFunctionName: args.functions.realtime.name,
    apiId: args.api.id,
    apiStageName: args.api.stageName,
    tableNames: args.tableNames,
    reservedConcurrency: {
      Collector: args.functions.collector.reservedConcurrency,
      Realtime: args.functions.realtime.reservedConcurrency,
    },
    archive: args.archive,
    statsFunctionName: args.statsFunctionName,
  };
}

function createMetricFilters(
  name: string,
  args: ObservabilityArgs,
  parent: pulumi.Resource,
): Map<string, aws.cloudwatch.LogMetricFilter[]> {
  const logGroups: Record<LogSource, pulumi.Input<string>> = {
    collector: args.functions.collector.logGroupName,
    realtime: args.functions.realtime.logGroupName,
    access: args.api.accessLogGroupName,
  };
  const filters = new Map<string, aws.cloudwatch.LogMetricFilter[]>();
  for (const def of METRIC_FILTERS) {
    const made = def.sources.map((source) => {
      const child =
        def.sources.length > 1 ? `${name}-${source}-${kebab(def.metricName)}-filter` : `${name}-${kebab(def.metricName)}-filter`;
      return new aws.cloudwatch.LogMetricFilter(
        child,
        {
          name: filterName(args.stack, def, source),
          logGroupName: logGroups[source],
          pattern: def.pattern,
          metricTransformation: {
            name: def.metricName,
            namespace: CUSTOM_NAMESPACE,
            value: def.value,
            unit: def.unit,
            dimensions: { ...def.dimensions },
          },
        },
        { parent },
      );
    });
    filters.set(def.metricName, made);
  }
  return filters;
}

function createAlarm(resourceName: string, spec: AlarmSpec<In>, topicArn: pulumi.Output<string>, opts: pulumi.CustomResourceOptions): void {
  new aws.cloudwatch.MetricAlarm(
    resourceName,
    {
      name: spec.name,
      alarmDescription: spec.description,
      comparisonOperator: spec.comparisonOperator,
      threshold: spec.threshold,
      evaluationPeriods: spec.evaluationPeriods,
      datapointsToAlarm: spec.datapointsToAlarm,
      treatMissingData: spec.treatMissingData,
      actionsEnabled: true,
      alarmActions: [topicArn],
      okActions: [topicArn],
      ...(spec.kind === "metric" ? singleMetric(spec.metric, spec.period) : { metricQueries: metricQueries(spec) }),
    },
    opts,
  );
}

/**
 * One metric's alarm fields. A percentile goes in `extendedStatistic` ("p99"), any other statistic
 * in `statistic`; CloudWatch takes exactly one of the two (PutMetricAlarm API reference).
 */
function singleMetric(def: MetricDef<In>, period: number) {
  const metric = { namespace: def.namespace, metricName: def.metricName, dimensions: { ...def.dimensions }, period };
  return /^p\d+(\.\d+)?$/.test(def.stat) ? { ...metric, extendedStatistic: def.stat } : { ...metric, statistic: def.stat };
}

function metricQueries(spec: MathAlarmSpec<In>): aws.types.input.cloudwatch.MetricAlarmMetricQuery[] {
  return [
    ...spec.inputs.map((input) => ({
      id: input.id,
      returnData: false,
      metric: {
        namespace: input.metric.namespace,
        metricName: input.metric.metricName,
        dimensions: { ...input.metric.dimensions },
        period: spec.period,
        stat: input.metric.stat,
      },
    })),
    { id: spec.expression.id, expression: spec.expression.expression, label: spec.expression.label, returnData: true },
  ];
}

function dashboardBodyJson(
  region: string,
  r: MonitoredResources<In>,
  thresholds: AlarmThresholds,
  diagnosticAlarms: boolean,
  collectorLogGroupName: pulumi.Input<string>,
): pulumi.Output<string> {
  return pulumi
    .all([
      r.collectorFunctionName,
      r.realtimeFunctionName,
      r.apiId,
      r.apiStageName,
      pulumi.all([...r.tableNames]),
      pulumi.output(r.archive),
      pulumi.output(r.statsFunctionName),
      collectorLogGroupName,
    ])
    .apply(
      ([collectorFunctionName, realtimeFunctionName, apiId, apiStageName, tableNames, archive, statsFunctionName, collectorLogGroup]) =>
        JSON.stringify(
          buildDashboardBody({
            region,
            thresholds,
            diagnosticAlarms,
            collectorLogGroupName: collectorLogGroup,
            resources: {
              stack: r.stack,
              collectorFunctionName,
              realtimeFunctionName,
              apiId,
              apiStageName,
              tableNames,
              reservedConcurrency: r.reservedConcurrency,
              archive,
              statsFunctionName,
            },
          }),
        ),
    );
}
