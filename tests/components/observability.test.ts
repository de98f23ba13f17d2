import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import {
  type AlarmThresholds,
  buildAlarmSpecs,
  buildDashboardBody,
  type DashboardBody,
  type DashboardWidget,
  type MetricWidgetProperties,
  thresholdProblems,
} from "../../components/metrics";
// Type-only: the component module is loaded with require() after the mocks are in place.
import type { ObservabilityArgs, Observability as ObservabilityClass } from "../../components/observability";

interface Recorded {
  type: string;
  name: string;
  inputs: Record<string, any>;
}

const REGION = "eu-central-1";
const ACCOUNT = "123456789012";
let sink: Recorded[] = [];
let Observability: typeof ObservabilityClass;

const DEV_THRESHOLDS: AlarmThresholds = {
  collectorErrorRatePercent: 5,
  functionErrors: 3,
  collectorP99DurationMs: 5000,
  realtimeP99DurationMs: 4000,
  concurrencyPercent: 90,
  functionThrottles: 10,
  api5xxRatePercent: 5,
  api4xxRatePercent: 30,
  apiThrottledRequests: 200,
  apiP99LatencyMs: 5000,
  tableThrottleEvents: 50,
  processingErrors: 20,
  eventsRejected: 1000,
  periodSeconds: 300,
  evaluationPeriods: 3,
  datapointsToAlarm: 3,
};
const PROD_THRESHOLDS: AlarmThresholds = {
  collectorErrorRatePercent: 1,
  functionErrors: 0,
  collectorP99DurationMs: 1000,
  realtimeP99DurationMs: 600,
  concurrencyPercent: 80,
  functionThrottles: 0,
  api5xxRatePercent: 1,
  api4xxRatePercent: 5,
  apiThrottledRequests: 10,
  apiP99LatencyMs: 1500,
  tableThrottleEvents: 0,
  processingErrors: 0,
  eventsRejected: 50,
  periodSeconds: 60,
  evaluationPeriods: 5,
  datapointsToAlarm: 3,
};
/** prod-like: reserved (different per function); dev-like: unreserved (no concurrency alarms). */
const RESERVED: Record<string, { Collector: number; Realtime: number }> = {
  dev: { Collector: -1, Realtime: -1 },
  prod: { Collector: 40, Realtime: 30 },
};
const reservedFor = (stack: string, label: "Collector" | "Realtime") => RESERVED[stack]![label];

function argsFor(stack: string, thresholds: AlarmThresholds, alarmEmail?: string): ObservabilityArgs {
  return {
    stack,
    functions: {
      collector: {
        name: `liveinsight-${stack}-collector`,
        logGroupName: `/aws/lambda/liveinsight-${stack}-collector`,
        reservedConcurrency: reservedFor(stack, "Collector"),
      },
      realtime: {
        name: `liveinsight-${stack}-realtime`,
        logGroupName: `/aws/lambda/liveinsight-${stack}-realtime`,
        reservedConcurrency: reservedFor(stack, "Realtime"),
      },
    },
    api: { id: `api${stack}01`, stageName: "$default", accessLogGroupName: `/aws/vendedlogs/apigateway/liveinsight-${stack}/access` },
    tableNames: [`LiveInsight-${stack}-Events`, `LiveInsight-${stack}-Sessions`, `LiveInsight-${stack}-ActiveSessions`],
    alarms: { thresholds, ...(alarmEmail !== undefined ? { email: alarmEmail } : {}) },
  };
}

function resolved<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) =>
    output.apply((value) => {
      resolve(value);
      return value;
    }),
  );
}

interface Built {
  component: ObservabilityClass;
  resources: Recorded[];
  urns: string[];
}

/** Builds the component and waits until every child is registered with the mock monitor. */
async function build(name: string, args: ObservabilityArgs): Promise<Built> {
  sink = [];
  const children: pulumi.Resource[] = [];
  const component = new Observability(name, args, {
    transformations: [
      (t) => {
        children.push(t.resource);
        return undefined;
      },
    ],
  });
  const urns = await Promise.all(children.map((c) => resolved(c.urn)));
  await Promise.all([resolved(component.dashboardUrl), resolved(component.alarmTopicArn)]);
  // Transformations also see the component itself; keep the children only.
  const own = await resolved(component.urn);
  return { component, resources: sink, urns: urns.filter((u) => u !== own) };
}

const ofType = (b: Built, type: string) => b.resources.filter((r) => r.type === type);
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const FILTER = "aws:cloudwatch/logMetricFilter:LogMetricFilter";

/**
 * Installed by each top-level suite's `before` hook, not at file level: other test files install
 * their own mocks, and a root-level hook would run before all of them.
 */
async function installMocks(): Promise<void> {
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        sink.push({ type: args.type, name: args.name, inputs: args.inputs });
        const state: Record<string, unknown> = { ...args.inputs };
        if (args.type === "aws:sns/topic:Topic") state.arn = `arn:aws:sns:${REGION}:${ACCOUNT}:${args.inputs.name}`;
        return { id: `${args.name}-id`, state };
      },
      call(args) {
        throw new Error(`Observability must not invoke provider functions under mocks; it called ${args.token}`);
      },
    },
    "liveinsight",
    "dev",
    false,
  );
  pulumi.runtime.setConfig("aws:region", REGION);
  Observability = (require("../../components/observability") as typeof import("../../components/observability")).Observability;
}

// ---------------------------------------------------------------------------------------------
// Expected alarms, written out independently of the builders.
// ---------------------------------------------------------------------------------------------

type Expected = { name: string; threshold: number; treatMissingData: string } & (
  | { metric: { namespace: string; metricName: string; dimensions: Record<string, string>; stat: Record<string, string> } }
  | { queries: unknown[] }
);

function rateQueries(
  ns: string,
  dims: Record<string, string>,
  num: [string, string],
  den: [string, string],
  period: number,
  label: string,
) {
  const q = ([id, metricName]: [string, string]) => ({
    id,
    returnData: false,
    metric: { namespace: ns, metricName, dimensions: dims, period, stat: "Sum" },
  });
  return [
    q(num),
    q(den),
    { id: "rate", expression: `IF(${den[0]} > 0, 100 * FILL(${num[0]}, 0) / ${den[0]}, 0)`, label, returnData: true },
  ];
}

function expectedAlarms(stack: string, t: AlarmThresholds): Expected[] {
  const a = argsFor(stack, t);
  const fn = (n: pulumi.Input<string>) => ({ FunctionName: n as string });
  const api = { ApiId: a.api.id as string, Stage: "$default" };
  const sum = { statistic: "Sum" };
  const p99 = { extendedStatistic: "p99" };
  const tables = ["Events", "Sessions", "ActiveSessions"].flatMap((label) =>
    ["Read", "Write"].map((rw) => ({
      name: `LiveInsight-${stack}-${label}-${rw}ThrottleEvents`,
      threshold: t.tableThrottleEvents,
      treatMissingData: "notBreaching",
      metric: {
        namespace: "AWS/DynamoDB",
        metricName: `${rw}ThrottleEvents`,
        dimensions: { TableName: `LiveInsight-${stack}-${label}` },
        stat: sum,
      },
    })),
  );
  const perFunction = (label: string, name: pulumi.Input<string>, p99Ms: number): Expected[] => [
    {
      name: `LiveInsight-${stack}-${label}-ErrorRate`,
      threshold: t.collectorErrorRatePercent,
      treatMissingData: "notBreaching",
      queries: rateQueries(
        "LiveInsight",
        { Environment: stack, Function: label.toLowerCase() },
        ["serverErrors", "ServerErrors"],
        ["requests", "Requests"],
        t.periodSeconds,
        `${label} 5xx rate (%)`,
      ),
    },
    {
      name: `LiveInsight-${stack}-${label}-Errors`,
      threshold: t.functionErrors,
      treatMissingData: "notBreaching",
      metric: { namespace: "AWS/Lambda", metricName: "Errors", dimensions: fn(name), stat: sum },
    },
    {
      name: `LiveInsight-${stack}-${label}-P99Duration`,
      threshold: p99Ms,
      treatMissingData: "missing",
      metric: { namespace: "AWS/Lambda", metricName: "Duration", dimensions: fn(name), stat: p99 },
    },
    {
      name: `LiveInsight-${stack}-${label}-Throttles`,
      threshold: t.functionThrottles,
      treatMissingData: "notBreaching",
      metric: { namespace: "AWS/Lambda", metricName: "Throttles", dimensions: fn(name), stat: sum },
    },
  ];
  const concurrency = (label: "Collector" | "Realtime", name: pulumi.Input<string>): Expected[] =>
    reservedFor(stack, label) > 0
      ? [
          {
            name: `LiveInsight-${stack}-${label}-ConcurrentExecutions`,
            threshold: (reservedFor(stack, label) * t.concurrencyPercent) / 100,
            treatMissingData: "notBreaching",
            metric: {
              namespace: "AWS/Lambda",
              metricName: "ConcurrentExecutions",
              dimensions: fn(name),
              stat: { statistic: "Maximum" },
            },
          },
        ]
      : [];
  return [
    ...perFunction("Collector", a.functions.collector.name, t.collectorP99DurationMs),
    ...concurrency("Collector", a.functions.collector.name),
    ...perFunction("Realtime", a.functions.realtime.name, t.realtimeP99DurationMs),
    ...concurrency("Realtime", a.functions.realtime.name),
    {
      name: `LiveInsight-${stack}-Api-5xxRate`,
      threshold: t.api5xxRatePercent,
      treatMissingData: "notBreaching",
      queries: rateQueries("AWS/ApiGateway", api, ["serverErrors", "5xx"], ["requests", "Count"], t.periodSeconds, "API 5xx rate (%)"),
    },
    {
      name: `LiveInsight-${stack}-Api-4xxRate`,
      threshold: t.api4xxRatePercent,
      treatMissingData: "notBreaching",
      queries: rateQueries("AWS/ApiGateway", api, ["clientErrors", "4xx"], ["requests", "Count"], t.periodSeconds, "API 4xx rate (%)"),
    },
    {
      name: `LiveInsight-${stack}-Api-Throttled`,
      threshold: t.apiThrottledRequests,
      treatMissingData: "notBreaching",
      metric: { namespace: "LiveInsight", metricName: "ThrottledRequests", dimensions: { ApiId: a.api.id as string }, stat: sum },
    },
    {
      name: `LiveInsight-${stack}-Api-P99Latency`,
      threshold: t.apiP99LatencyMs,
      treatMissingData: "missing",
      metric: { namespace: "AWS/ApiGateway", metricName: "Latency", dimensions: api, stat: p99 },
    },
    ...tables,
    {
      name: `LiveInsight-${stack}-Collector-ProcessingErrors`,
      threshold: t.processingErrors,
      treatMissingData: "notBreaching",
      metric: { namespace: "LiveInsight", metricName: "ProcessingErrors", dimensions: { Environment: stack }, stat: sum },
    },
    {
      name: `LiveInsight-${stack}-Collector-EventsRejected`,
      threshold: t.eventsRejected,
      treatMissingData: "notBreaching",
      metric: { namespace: "LiveInsight", metricName: "EventsRejected", dimensions: { Environment: stack }, stat: sum },
    },
  ];
}

function expectedAlarmInputs(e: Expected, t: AlarmThresholds, topicArn: string): Record<string, unknown> {
  const common = {
    name: e.name,
    threshold: e.threshold,
    treatMissingData: e.treatMissingData,
    comparisonOperator: "GreaterThanThreshold",
    evaluationPeriods: t.evaluationPeriods,
    datapointsToAlarm: t.datapointsToAlarm,
    actionsEnabled: true,
    alarmActions: [topicArn],
    okActions: [topicArn],
  };
  if ("queries" in e) return { ...common, metricQueries: e.queries };
  const { namespace, metricName, dimensions, stat } = e.metric;
  return { ...common, namespace, metricName, dimensions, period: t.periodSeconds, ...stat };
}

const EVENT_LINE = '$.service = "collector" && $.message = "request completed"';
const ENV = { Environment: "$.environment" };
const PER_FUNCTION = { Environment: "$.environment", Function: "$.service" };
/** [AWS filter name suffix, log group kind, metric, pattern, value, unit, dimensions] */
const EXPECTED_FILTERS: [string, "collector" | "realtime" | "access", string, string, string, string, Record<string, string>][] = [
  ["EventsProcessed", "collector", "EventsProcessed", `{ ${EVENT_LINE} && $.status = 200 && $.events > 0 }`, "$.events", "Count", ENV],
  ["EventsRejected", "collector", "EventsRejected", `{ ${EVENT_LINE} && $.rejected > 0 }`, "$.rejected", "Count", ENV],
  ["SessionsCreated", "collector", "SessionsCreated", `{ ${EVENT_LINE} && $.sessions_created > 0 }`, "$.sessions_created", "Count", ENV],
  [
    "ProcessingTime",
    "collector",
    "ProcessingTime",
    `{ ${EVENT_LINE} && $.processing_time_ms >= 0 }`,
    "$.processing_time_ms",
    "Milliseconds",
    ENV,
  ],
  ["ProcessingErrors", "collector", "ProcessingErrors", `{ ${EVENT_LINE} && $.level = "ERROR" }`, "1", "Count", ENV],
  ["collector-Requests", "collector", "Requests", '{ $.message = "request completed" && $.status >= 100 }', "1", "Count", PER_FUNCTION],
  ["realtime-Requests", "realtime", "Requests", '{ $.message = "request completed" && $.status >= 100 }', "1", "Count", PER_FUNCTION],
  [
    "collector-ServerErrors",
    "collector",
    "ServerErrors",
    '{ $.message = "request completed" && $.status >= 500 }',
    "1",
    "Count",
    PER_FUNCTION,
  ],
  [
    "realtime-ServerErrors",
    "realtime",
    "ServerErrors",
    '{ $.message = "request completed" && $.status >= 500 }',
    "1",
    "Count",
    PER_FUNCTION,
  ],
  ["ThrottledRequests", "access", "ThrottledRequests", '{ $.status = "429" }', "1", "Count", { ApiId: "$.apiId" }],
];

function widgetTitles(): string[] {
  return [
    "## API",
    "API requests",
    "API 4xx / 5xx",
    "API 5xx rate (%)",
    "API 4xx rate (%)",
    "API 429 throttled (access log)",
    "API latency (ms)",
    ...["Collector", "Realtime"].flatMap((f) => [
      `## ${f} function`,
      `${f} 5xx rate (%)`,
      `${f} invocations / errors`,
      `${f} duration (ms)`,
      `${f} throttles`,
      `${f} concurrent executions`,
    ]),
    "## Collector custom metrics (from log metric filters)",
    "Events processed",
    "Events rejected",
    "Sessions created",
    "Processing time (ms)",
    "Processing errors",
    "## DynamoDB tables",
    "Events consumed capacity",
    "Events throttle events",
    "Sessions consumed capacity",
    "Sessions throttle events",
    "ActiveSessions consumed capacity",
    "ActiveSessions throttle events",
  ];
}

function annotationsByTitle(stack: string, t: AlarmThresholds): Record<string, number[]> {
  return {
    "API 5xx rate (%)": [t.api5xxRatePercent],
    "API 4xx rate (%)": [t.api4xxRatePercent],
    "API 429 throttled (access log)": [t.apiThrottledRequests],
    "API latency (ms)": [t.apiP99LatencyMs],
    "Collector 5xx rate (%)": [t.collectorErrorRatePercent],
    "Collector invocations / errors": [t.functionErrors],
    "Collector duration (ms)": [t.collectorP99DurationMs],
    "Collector throttles": [t.functionThrottles],
    ...(reservedFor(stack, "Collector") > 0
      ? { "Collector concurrent executions": [(reservedFor(stack, "Collector") * t.concurrencyPercent) / 100] }
      : {}),
    "Realtime 5xx rate (%)": [t.collectorErrorRatePercent],
    "Realtime invocations / errors": [t.functionErrors],
    "Realtime duration (ms)": [t.realtimeP99DurationMs],
    "Realtime throttles": [t.functionThrottles],
    ...(reservedFor(stack, "Realtime") > 0
      ? { "Realtime concurrent executions": [(reservedFor(stack, "Realtime") * t.concurrencyPercent) / 100] }
      : {}),
    "Events rejected": [t.eventsRejected],
    "Processing errors": [t.processingErrors],
    "Events throttle events": [t.tableThrottleEvents],
    "Sessions throttle events": [t.tableThrottleEvents],
    "ActiveSessions throttle events": [t.tableThrottleEvents],
  };
}

const titleOf = (w: DashboardWidget) => ("title" in w.properties ? w.properties.title : w.properties.markdown);

function dashboardBodyOf(b: Built): DashboardBody {
  const [dashboard] = ofType(b, "aws:cloudwatch/dashboard:Dashboard");
  return JSON.parse(dashboard!.inputs.dashboardBody) as DashboardBody;
}

function widget(body: DashboardBody, title: string): MetricWidgetProperties {
  const found = body.widgets.find((w) => titleOf(w) === title);
  if (found?.type !== "metric") throw new Error(`no metric widget "${title}"`);
  return found.properties as MetricWidgetProperties;
}

for (const [stack, thresholds, email] of [
  ["dev", DEV_THRESHOLDS, undefined],
  ["prod", PROD_THRESHOLDS, "oncall@example.com"],
] as const) {
  describe(`Observability (${stack}-like thresholds${email ? ", alarm e-mail" : ", no e-mail"})`, () => {
    let b: Built;
    const topicArn = `arn:aws:sns:${REGION}:${ACCOUNT}:LiveInsight-${stack}-alarms`;

    before(async () => {
      await installMocks();
      b = await build(`${stack}-observability`, argsFor(stack, thresholds, email));
    });

    it("registers exactly its resources, all parented to the component", () => {
      const counts: Record<string, number> = {};
      for (const r of b.resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
      expect(counts).to.deep.equal({
        "liveinsight:observability:Observability": 1,
        [FILTER]: 10,
        "aws:sns/topic:Topic": 1,
        ...(email ? { "aws:sns/topicSubscription:TopicSubscription": 1 } : {}),
        [ALARM]: reservedFor(stack, "Collector") > 0 ? 22 : 20,
        "aws:cloudwatch/dashboard:Dashboard": 1,
      });
      expect(b.urns).to.have.length(b.resources.length - 1);
      for (const urn of b.urns) expect(urn).to.contain("::liveinsight:observability:Observability$");
    });

    it("attaches the event filters to the collector's log group, Requests / ServerErrors to each function's, 429s to the access log", () => {
      const a = argsFor(stack, thresholds);
      const groups = {
        collector: a.functions.collector.logGroupName,
        realtime: a.functions.realtime.logGroupName,
        access: a.api.accessLogGroupName,
      };
      const byName = (x: Record<string, any>, y: Record<string, any>) => String(x.name).localeCompare(String(y.name));
      const filters = ofType(b, FILTER)
        .map((r) => r.inputs)
        .sort(byName);
      expect(filters).to.deep.equal(
        EXPECTED_FILTERS.map(([suffix, source, metric, pattern, value, unit, dimensions]) => ({
          name: `LiveInsight-${stack}-${suffix}`,
          logGroupName: groups[source],
          pattern,
          metricTransformation: { name: metric, namespace: "LiveInsight", value, unit, dimensions },
        })).sort(byName),
      );
    });

    it(`creates the alarm topic${email ? " with an e-mail subscription" : " without any subscription"}`, () => {
      expect(ofType(b, "aws:sns/topic:Topic").map((r) => r.inputs)).to.deep.equal([{ name: `LiveInsight-${stack}-alarms` }]);
      const subscriptions = ofType(b, "aws:sns/topicSubscription:TopicSubscription").map((r) => r.inputs);
      expect(subscriptions).to.deep.equal(email ? [{ topic: topicArn, protocol: "email", endpoint: email }] : []);
    });

    it("creates every alarm with its metric, threshold, M of N, missing-data handling and actions", () => {
      const alarms = ofType(b, ALARM).map((r) => r.inputs);
      const expected = expectedAlarms(stack, thresholds);
      expect(alarms.map((a) => a.name)).to.have.members(expected.map((e) => e.name));
      for (const e of expected) {
        const { alarmDescription, ...actual } = alarms.find((a) => a.name === e.name)!;
        expect(actual, e.name).to.deep.equal(expectedAlarmInputs(e, thresholds, topicArn));
        expect(alarmDescription, e.name).to.contain(
          `above ${e.threshold} in ${thresholds.datapointsToAlarm} of ${thresholds.evaluationPeriods} periods`,
        );
      }
    });

    it("names the dashboard LiveInsight-<stack> and exposes its console URL and the topic ARN", async () => {
      expect(await resolved(b.component.dashboardName)).to.equal(`LiveInsight-${stack}`);
      expect(await resolved(b.component.dashboardUrl)).to.equal(
        `https://${REGION}.console.aws.amazon.com/cloudwatch/home?region=${REGION}#dashboards/dashboard/LiveInsight-${stack}`,
      );
      expect(await resolved(b.component.alarmTopicArn)).to.equal(topicArn);
    });

    it("builds the dashboard body with the pure builder from the resolved names", () => {
      const a = argsFor(stack, thresholds);
      expect(dashboardBodyOf(b)).to.deep.equal(
        buildDashboardBody({
          region: REGION,
          thresholds,
          resources: {
            stack,
            collectorFunctionName: a.functions.collector.name as string,
            realtimeFunctionName: a.functions.realtime.name as string,
            apiId: a.api.id as string,
            apiStageName: "$default",
            tableNames: a.tableNames as string[],
            reservedConcurrency: RESERVED[stack],
          },
        }),
      );
    });

    it("lays out rows for the API, each function, the custom metrics and the tables", () => {
      const body = dashboardBodyOf(b);
      expect(body.widgets.map(titleOf)).to.deep.equal(widgetTitles());
      for (const w of body.widgets.filter((x) => x.type === "metric")) {
        const p = w.properties as MetricWidgetProperties;
        expect([p.region, p.period], titleOf(w)).to.deep.equal([REGION, thresholds.periodSeconds]);
      }
    });

    it("draws each alarm threshold as a horizontal annotation on its widget, and nowhere else", () => {
      const body = dashboardBodyOf(b);
      const drawn: Record<string, number[]> = {};
      for (const w of body.widgets) {
        const lines = "annotations" in w.properties ? (w.properties.annotations?.horizontal ?? []) : [];
        if (lines.length > 0) drawn[titleOf(w)] = lines.map((l) => l.value);
      }
      expect(drawn).to.deep.equal(annotationsByTitle(stack, thresholds));
      expect(widget(body, "Events throttle events").annotations!.horizontal[0]!.label).to.equal(
        `LiveInsight-${stack}-Events-ReadThrottleEvents / LiveInsight-${stack}-Events-WriteThrottleEvents > ${thresholds.tableThrottleEvents}`,
      );
    });

    it("graphs API latency percentiles and the error-rate expression exactly as the alarms compute them", () => {
      const body = dashboardBodyOf(b);
      const api = ["AWS/ApiGateway", "Latency", "ApiId", `api${stack}01`, "Stage", "$default"];
      expect(widget(body, "API latency (ms)").metrics).to.deep.equal([
        [...api, { stat: "p50", label: "Latency p50" }],
        [...api, { stat: "p90", label: "Latency p90" }],
        [...api, { stat: "p99", label: "Latency p99" }],
      ]);
      const fn = ["FunctionName", `liveinsight-${stack}-collector`];
      const own = ["Environment", stack, "Function", "realtime"];
      expect(widget(body, "Realtime 5xx rate (%)").metrics).to.deep.equal([
        ["LiveInsight", "ServerErrors", ...own, { stat: "Sum", label: "5xx answers (request lines)", id: "serverErrors", visible: false }],
        ["LiveInsight", "Requests", ...own, { stat: "Sum", label: "Requests (request lines)", id: "requests", visible: false }],
        [{ expression: "IF(requests > 0, 100 * FILL(serverErrors, 0) / requests, 0)", label: "Realtime 5xx rate (%)", id: "rate" }],
      ]);
      expect(widget(body, "Collector throttles").metrics).to.deep.equal([
        ["AWS/Lambda", "Throttles", ...fn, { stat: "Sum", label: "Throttles" }],
      ]);
      expect(widget(body, "Collector concurrent executions").metrics).to.deep.equal([
        ["AWS/Lambda", "ConcurrentExecutions", ...fn, { stat: "Maximum", label: "Concurrent executions" }],
      ]);
      expect(widget(body, "API 429 throttled (access log)").metrics).to.deep.equal([
        ["LiveInsight", "ThrottledRequests", "ApiId", `api${stack}01`, { stat: "Sum", label: "429 throttled" }],
      ]);
      expect(widget(body, "Sessions consumed capacity").metrics).to.deep.equal([
        [
          "AWS/DynamoDB",
          "ConsumedReadCapacityUnits",
          "TableName",
          `LiveInsight-${stack}-Sessions`,
          { stat: "Sum", label: "Consumed read units" },
        ],
        [
          "AWS/DynamoDB",
          "ConsumedWriteCapacityUnits",
          "TableName",
          `LiveInsight-${stack}-Sessions`,
          { stat: "Sum", label: "Consumed write units" },
        ],
      ]);
      expect(widget(body, "Processing errors").metrics).to.deep.equal([
        ["LiveInsight", "ProcessingErrors", "Environment", stack, { stat: "Sum", label: "Processing errors" }],
      ]);
    });
  });
}

describe("Observability argument checks", () => {
  before(installMocks);

  const rejects = (args: ObservabilityArgs, message: RegExp) => {
    sink = [];
    expect(() => new Observability("bad-observability", args)).to.throw(message);
    expect(sink, "nothing is registered when the arguments are rejected").to.deep.equal([]);
  };

  it("rejects M greater than N, naming the stack file", () => {
    rejects(
      argsFor("dev", { ...DEV_THRESHOLDS, datapointsToAlarm: 4 }),
      /alarmThresholds\.datapointsToAlarm must be an integer between 1 and evaluationPeriods \(3\); got 4\. Fix liveinsight:alarmThresholds in Pulumi\.dev\.yaml/,
    );
  });

  it("rejects a table list that is not the three tables in schema order", () => {
    const a = argsFor("dev", DEV_THRESHOLDS);
    rejects({ ...a, tableNames: a.tableNames.slice(0, 2) }, /tableNames must list 3 tables \(Events, Sessions, ActiveSessions\); got 2/);
    rejects(
      { ...a, tableNames: [a.tableNames[1]!, a.tableNames[0]!, a.tableNames[2]!] },
      /tableNames\[0\] must be the Events table; got LiveInsight-dev-Sessions/,
    );
  });

  it("rejects an alarm e-mail that is not an address", () => {
    rejects(argsFor("prod", PROD_THRESHOLDS, "oncall"), /alarmEmail must be an e-mail address; got "oncall"/);
  });

  it("fails with a remedy when no AWS region is configured", () => {
    pulumi.runtime.setConfig("aws:region", "");
    try {
      rejects(argsFor("dev", DEV_THRESHOLDS), /needs the AWS region for its dashboard: run `pulumi config set aws:region <region>`/);
    } finally {
      pulumi.runtime.setConfig("aws:region", REGION);
    }
  });
});

describe("pure metric builders", () => {
  const resources = {
    stack: "dev",
    collectorFunctionName: "c",
    realtimeFunctionName: "r",
    apiId: "a",
    apiStageName: "$default",
    tableNames: ["LiveInsight-dev-Events", "LiveInsight-dev-Sessions", "LiveInsight-dev-ActiveSessions"],
  };

  it("accepts sound thresholds and explains each unsound one", () => {
    expect(thresholdProblems(PROD_THRESHOLDS)).to.deep.equal([]);
    expect(thresholdProblems({ ...PROD_THRESHOLDS, periodSeconds: 90 })).to.deep.equal([
      "alarmThresholds.periodSeconds must be a positive multiple of 60; got 90",
    ]);
    expect(thresholdProblems({ ...PROD_THRESHOLDS, apiP99LatencyMs: -1 })).to.deep.equal([
      "alarmThresholds.apiP99LatencyMs must be a number >= 0; got -1",
    ]);
    expect(thresholdProblems({ ...PROD_THRESHOLDS, periodSeconds: 3600, evaluationPeriods: 25, datapointsToAlarm: 1 })).to.deep.equal([
      "alarmThresholds.periodSeconds * evaluationPeriods must not exceed 86400 s (one day); got 90000",
    ]);
  });

  it("returns the same body for the same view and keeps widgets inside the grid without overlaps", () => {
    const view = { region: REGION, resources, thresholds: DEV_THRESHOLDS };
    const body = buildDashboardBody(view);
    expect(JSON.stringify(buildDashboardBody(view))).to.equal(JSON.stringify(body));
    const cells = new Set<string>();
    for (const w of body.widgets) {
      expect(w.x + w.width, titleOf(w)).to.be.at.most(24);
      for (let x = w.x; x < w.x + w.width; x++) {
        for (let y = w.y; y < w.y + w.height; y++) {
          expect(cells.has(`${x},${y}`), `${titleOf(w)} overlaps at ${x},${y}`).to.equal(false);
          cells.add(`${x},${y}`);
        }
      }
    }
  });

  it("draws every alarm's threshold on a widget that plots that alarm's own metric or expression", () => {
    const reserved = { ...resources, reservedConcurrency: { Collector: 10, Realtime: 6 } };
    const body = buildDashboardBody({ region: REGION, resources: reserved, thresholds: PROD_THRESHOLDS });
    const specs = buildAlarmSpecs(reserved, PROD_THRESHOLDS);
    expect(specs.map((s) => s.key)).to.include.members(["collector-concurrent-executions", "realtime-concurrent-executions"]);
    for (const spec of specs) {
      const plotted =
        spec.kind === "math"
          ? [{ expression: spec.expression.expression, label: spec.expression.label, id: spec.expression.id }]
          : [
              spec.metric.namespace,
              spec.metric.metricName,
              ...Object.entries(spec.metric.dimensions).flat(),
              { stat: spec.metric.stat, label: spec.metric.label },
            ];
      const hosts = body.widgets.filter(
        (w) =>
          w.type === "metric" &&
          (w.properties as MetricWidgetProperties).annotations?.horizontal.some(
            (l) => l.value === spec.threshold && l.label.includes(spec.name),
          ),
      );
      expect(hosts, spec.name).to.have.length(1);
      expect((hosts[0]!.properties as MetricWidgetProperties).metrics, spec.name).to.deep.include(plotted);
    }
  });
});

describe("docs/operations.md", () => {
  it("documents every alarm a reserved stack creates", () => {
    const text = require("node:fs").readFileSync(require("node:path").join(__dirname, "../../docs/operations.md"), "utf8") as string;
    const resources = {
      stack: "x",
      collectorFunctionName: "c",
      realtimeFunctionName: "r",
      apiId: "a",
      apiStageName: "$default",
      tableNames: ["LiveInsight-x-Events", "LiveInsight-x-Sessions", "LiveInsight-x-ActiveSessions"],
      reservedConcurrency: { Collector: 10, Realtime: 10 },
    };
    for (const spec of buildAlarmSpecs(resources, PROD_THRESHOLDS)) {
      const suffix = spec.name.replace("LiveInsight-x-", "").replace(/^(Events|Sessions|ActiveSessions)-/, "<Table>-");
      expect(text, spec.name).to.contain(`\`${suffix}\``);
    }
  });
});
