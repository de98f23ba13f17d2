import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import {
  type AlarmSpec,
  type AlarmThresholds,
  alarmCatalog,
  buildAlarmSpecs,
  buildDashboardBody,
  CUSTOM_NAMESPACE,
  type DashboardBody,
  type DashboardWidget,
  filterName,
  METRIC_FILTERS,
  type MetricDef,
  type MetricWidgetProperties,
  type MonitoredResources,
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
  eventsRejected: 1000,
  droppedSharePercent: 50,
  archiveIteratorAgeMs: 900000,
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
  eventsRejected: 50,
  droppedSharePercent: 5,
  archiveIteratorAgeMs: 300000,
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

function argsFor(stack: string, thresholds: AlarmThresholds, alarmEmail?: string, diagnostic = false): ObservabilityArgs {
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
    alarms: { thresholds, email: alarmEmail, diagnostic },
  };
}

/** What the component watches, as the pure builders take it (plain strings here). */
function resourcesOf(a: ObservabilityArgs): MonitoredResources<string> {
  return {
    stack: a.stack,
    collectorFunctionName: a.functions.collector.name as string,
    realtimeFunctionName: a.functions.realtime.name as string,
    apiId: a.api.id as string,
    apiStageName: a.api.stageName as string,
    tableNames: a.tableNames as string[],
    reservedConcurrency: { Collector: a.functions.collector.reservedConcurrency, Realtime: a.functions.realtime.reservedConcurrency },
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
// No second list of the alarms here: what each alarm watches is the catalog's (components/metrics).
// These tests hold the component to the catalog and the catalog to its invariants.
// ---------------------------------------------------------------------------------------------

const isPercentile = (stat: string) => /^p\d+(\.\d+)?$/.test(stat);

/** A MetricAlarm's inputs for one spec: the fields CloudWatch takes for a single metric or for metric math (PutMetricAlarm). */
function alarmInputsFor(spec: AlarmSpec<string>, topicArn: string): Record<string, unknown> {
  const common = {
    name: spec.name,
    alarmDescription: spec.description,
    threshold: spec.threshold,
    comparisonOperator: "GreaterThanThreshold",
    evaluationPeriods: spec.evaluationPeriods,
    datapointsToAlarm: spec.datapointsToAlarm,
    treatMissingData: spec.treatMissingData,
    actionsEnabled: true,
    alarmActions: [topicArn],
    okActions: [topicArn],
  };
  if (spec.kind === "math") {
    const queries = spec.inputs.map((input) => ({
      id: input.id,
      returnData: false,
      metric: { ...metricFields(input.metric), period: spec.period, stat: input.metric.stat },
    }));
    return { ...common, metricQueries: [...queries, { ...spec.expression, returnData: true }] };
  }
  const stat = isPercentile(spec.metric.stat) ? { extendedStatistic: spec.metric.stat } : { statistic: spec.metric.stat };
  return { ...common, ...metricFields(spec.metric), period: spec.period, ...stat };
}

const metricFields = (m: MetricDef<string>) => ({ namespace: m.namespace, metricName: m.metricName, dimensions: { ...m.dimensions } });

/** Every metric an alarm reads. */
const metricsOf = (spec: AlarmSpec<string>): MetricDef<string>[] =>
  spec.kind === "metric" ? [spec.metric] : spec.inputs.map((i) => i.metric);

/** A widget series in the dashboard body's form, as the alarm would plot it. */
function plotted(m: MetricDef<string>): unknown[] {
  return [m.namespace, m.metricName, ...Object.entries(m.dimensions).flat()];
}

const titleOf = (w: DashboardWidget) => ("title" in w.properties ? w.properties.title : w.properties.markdown);

function dashboardBodyOf(b: Built): DashboardBody {
  const [dashboard] = ofType(b, "aws:cloudwatch/dashboard:Dashboard");
  return JSON.parse(dashboard!.inputs.dashboardBody) as DashboardBody;
}

const metricWidgets = (body: DashboardBody) =>
  body.widgets.filter((w) => w.type === "metric").map((w) => w.properties as MetricWidgetProperties);

for (const [stack, thresholds, email, diagnostic] of [
  ["dev", DEV_THRESHOLDS, undefined, false],
  ["prod", PROD_THRESHOLDS, "oncall@example.com", true],
] as const) {
  describe(`Observability (${stack}-like thresholds${email ? ", alarm e-mail" : ", no e-mail"}, diagnostic alarms ${diagnostic ? "on" : "off"})`, () => {
    let b: Built;
    const topicArn = `arn:aws:sns:${REGION}:${ACCOUNT}:LiveInsight-${stack}-alarms`;
    const args = argsFor(stack, thresholds, email, diagnostic);
    const specs = buildAlarmSpecs(resourcesOf(args), thresholds, diagnostic);

    before(async () => {
      await installMocks();
      b = await build(`${stack}-observability`, args);
    });

    it("registers exactly its resources, all parented to the component: a filter per metric and source, an alarm per spec", () => {
      const counts: Record<string, number> = {};
      for (const r of b.resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
      expect(counts).to.deep.equal({
        "liveinsight:observability:Observability": 1,
        [FILTER]: METRIC_FILTERS.reduce((n, f) => n + f.sources.length, 0),
        "aws:sns/topic:Topic": 1,
        ...(email ? { "aws:sns/topicSubscription:TopicSubscription": 1 } : {}),
        [ALARM]: specs.length,
        "aws:cloudwatch/dashboard:Dashboard": 1,
      });
      expect(b.urns).to.have.length(b.resources.length - 1);
      for (const urn of b.urns) expect(urn).to.contain("::liveinsight:observability:Observability$");
    });

    it("creates a concurrency alarm for each function exactly when it has a reservation", () => {
      const reserved = (label: "Collector" | "Realtime") =>
        args.functions[label === "Collector" ? "collector" : "realtime"].reservedConcurrency;
      for (const label of ["Collector", "Realtime"] as const) {
        const alarms = specs.filter((s) => s.name === `LiveInsight-${stack}-${label}-ConcurrentExecutions`);
        expect(
          alarms.map((s) => s.threshold),
          label,
        ).to.deep.equal(reserved(label) > 0 ? [(reserved(label) * thresholds.concurrencyPercent) / 100] : []);
      }
    });

    it("attaches each metric filter of the catalog to its source's log group", () => {
      const groups = {
        collector: args.functions.collector.logGroupName,
        realtime: args.functions.realtime.logGroupName,
        access: args.api.accessLogGroupName,
      };
      const byName = (x: Record<string, any>, y: Record<string, any>) => String(x.name).localeCompare(String(y.name));
      const expected = METRIC_FILTERS.flatMap((def) =>
        def.sources.map((source) => ({
          name: filterName(stack, def, source),
          logGroupName: groups[source],
          pattern: def.pattern,
          metricTransformation: {
            name: def.metricName,
            namespace: CUSTOM_NAMESPACE,
            value: def.value,
            unit: def.unit,
            dimensions: { ...def.dimensions },
          },
        })),
      );
      expect(
        ofType(b, FILTER)
          .map((r) => r.inputs)
          .sort(byName),
      ).to.deep.equal(expected.sort(byName));
    });

    it(`creates the alarm topic${email ? " with an e-mail subscription" : " without any subscription"}`, () => {
      expect(ofType(b, "aws:sns/topic:Topic").map((r) => r.inputs)).to.deep.equal([{ name: `LiveInsight-${stack}-alarms` }]);
      const subscriptions = ofType(b, "aws:sns/topicSubscription:TopicSubscription").map((r) => r.inputs);
      expect(subscriptions).to.deep.equal(email ? [{ topic: topicArn, protocol: "email", endpoint: email }] : []);
    });

    it("turns each alarm spec into one MetricAlarm: its metric or metric math, threshold, M of N, missing data, actions", () => {
      const alarms = ofType(b, ALARM).map((r) => r.inputs);
      expect(alarms.map((a) => a.name).sort()).to.deep.equal(specs.map((s) => s.name).sort());
      for (const spec of specs)
        expect(
          alarms.find((a) => a.name === spec.name),
          spec.name,
        ).to.deep.equal(alarmInputsFor(spec, topicArn));
    });

    it("alarms on the stack's own thresholds and periods, with unique names and child names", () => {
      expect(new Set(specs.map((s) => s.name)).size).to.equal(specs.length);
      expect(new Set(specs.map((s) => s.key)).size).to.equal(specs.length);
      for (const spec of specs) {
        expect([spec.period, spec.evaluationPeriods, spec.datapointsToAlarm], spec.name).to.deep.equal([
          thresholds.periodSeconds,
          thresholds.evaluationPeriods,
          thresholds.datapointsToAlarm,
        ]);
        expect(spec.name, spec.name).to.match(new RegExp(`^LiveInsight-${stack}-`));
        expect(spec.description, spec.name).to.contain(
          `above ${spec.threshold} in ${thresholds.datapointsToAlarm} of ${thresholds.evaluationPeriods} periods of ${thresholds.periodSeconds} s`,
        );
        // A latency with no requests has no datapoint and says nothing; a count or rate with none is healthy.
        const latency = spec.kind === "metric" && isPercentile(spec.metric.stat);
        expect(spec.treatMissingData, spec.name).to.equal(latency ? "missing" : "notBreaching");
      }
      // Every threshold belongs to some alarm of the catalog, diagnostic ones included.
      const used = new Set(alarmCatalog(resourcesOf(args), thresholds).map((s) => s.threshold));
      const derived = Object.entries(thresholds).filter(
        // archiveIteratorAgeMs and functionErrors (archiver, compaction) need an archive, which these args leave out
        // (tests/components/archive-alarms.test.ts).
        ([k]) =>
          ![
            "periodSeconds",
            "evaluationPeriods",
            "datapointsToAlarm",
            "concurrencyPercent",
            "archiveIteratorAgeMs",
            "functionErrors",
          ].includes(k),
      );
      for (const [key, value] of derived) expect(used.has(value), `alarmThresholds.${key} is used by an alarm`).to.equal(true);
    });

    it("reads only metrics that exist: custom ones a filter publishes, AWS ones of the watched resources", () => {
      const r = resourcesOf(args);
      const watched = new Set<string>([r.collectorFunctionName, r.realtimeFunctionName, r.apiId, r.apiStageName, ...r.tableNames]);
      const body = dashboardBodyOf(b);
      const series = metricWidgets(body).flatMap((w) => w.metrics.filter((m) => typeof m[0] === "string"));
      const read = [...specs.flatMap(metricsOf).map(plotted), ...series.map((m) => m.filter((x) => typeof x === "string"))];
      expect(read.length).to.be.greaterThan(specs.length);
      for (const [namespace, metricName, ...dims] of read as string[][]) {
        const dimensions = Object.fromEntries(Array.from({ length: dims.length / 2 }, (_, i) => [dims[2 * i], dims[2 * i + 1]]));
        const what = `${namespace} ${metricName} ${JSON.stringify(dimensions)}`;
        if (namespace !== CUSTOM_NAMESPACE) {
          for (const value of Object.values(dimensions)) expect(watched.has(value), what).to.equal(true);
          continue;
        }
        const producers = METRIC_FILTERS.filter((f) => f.metricName === metricName);
        expect(producers, what).to.have.length(1);
        expect(Object.keys(dimensions).sort(), what).to.deep.equal(Object.keys(producers[0]!.dimensions).sort());
        // The values a filter takes from the log line: the stack's name, the function's service, the API id.
        const publishable = new Set<string>([stack, "collector", "realtime", r.apiId]);
        for (const value of Object.values(dimensions)) expect(publishable.has(value), what).to.equal(true);
      }
    });

    it("names the dashboard LiveInsight-<stack> and exposes its console URL and the topic ARN", async () => {
      expect(await resolved(b.component.dashboardName)).to.equal(`LiveInsight-${stack}`);
      expect(await resolved(b.component.dashboardUrl)).to.equal(
        `https://${REGION}.console.aws.amazon.com/cloudwatch/home?region=${REGION}#dashboards/dashboard/LiveInsight-${stack}`,
      );
      expect(await resolved(b.component.alarmTopicArn)).to.equal(topicArn);
    });

    it("builds the dashboard body with the pure builder from the resolved names, every graph in the region at the alarm period", () => {
      const body = dashboardBodyOf(b);
      expect(body).to.deep.equal(
        buildDashboardBody({
          region: REGION,
          thresholds,
          resources: resourcesOf(args),
          diagnosticAlarms: diagnostic,
          collectorLogGroupName: args.functions.collector.logGroupName as string,
        }),
      );
      for (const p of metricWidgets(body)) expect([p.region, p.period], p.title).to.deep.equal([REGION, thresholds.periodSeconds]);
    });

    it("draws each alarm's threshold on exactly one widget, which plots what the alarm evaluates, and draws no other line", () => {
      const widgets = metricWidgets(dashboardBodyOf(b));
      // A line names the alarms it stands for (a table's read and write alarms share one); none is drawn for no alarm.
      for (const line of widgets.flatMap((w) => w.annotations?.horizontal ?? [])) {
        const named = specs.filter((s) => line.label.includes(s.name));
        expect(named, line.label).not.to.be.empty;
        for (const spec of named) expect(line.value, line.label).to.equal(spec.threshold);
      }
      for (const spec of specs) {
        const hosts = widgets.filter((w) =>
          w.annotations?.horizontal.some((l) => l.value === spec.threshold && l.label.includes(spec.name)),
        );
        expect(hosts, spec.name).to.have.length(1);
        const metrics = hosts[0]!.metrics;
        if (spec.kind === "math") {
          // The expression, over its inputs under the same ids and statistics, hidden: the line is what the alarm computes.
          expect(metrics, spec.name).to.deep.include([{ ...spec.expression }]);
          for (const input of spec.inputs) {
            expect(metrics, spec.name).to.deep.include([
              ...plotted(input.metric),
              { stat: input.metric.stat, label: input.metric.label, id: input.id, visible: false },
            ]);
          }
        } else {
          expect(metrics, spec.name).to.deep.include([...plotted(spec.metric), { stat: spec.metric.stat, label: spec.metric.label }]);
        }
      }
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

const LOG_GROUP = "/aws/lambda/LiveInsight-dev-collector";

describe("pure metric builders", () => {
  const resources = {
    stack: "dev",
    collectorFunctionName: "c",
    realtimeFunctionName: "r",
    apiId: "a",
    apiStageName: "$default",
    tableNames: ["LiveInsight-dev-Events", "LiveInsight-dev-Sessions", "LiveInsight-dev-ActiveSessions"],
  };

  it("creates the symptom alarms by default and adds exactly the diagnostic ones with diagnosticAlarms", () => {
    const keys = (diagnostic: boolean) => buildAlarmSpecs(resources, PROD_THRESHOLDS, diagnostic).map((s) => s.key);
    expect(keys(false)).to.deep.equal([
      "collector-error-rate",
      "realtime-error-rate",
      "api-5xx-rate",
      "api-throttled",
      "api-p99-latency",
      "collector-events-rejected",
      "collector-dropped-share",
    ]);
    expect(keys(true).filter((k) => !keys(false).includes(k))).to.deep.equal([
      "collector-p99-duration",
      "collector-throttles",
      "realtime-p99-duration",
      "realtime-throttles",
      "api-4xx-rate",
      "events-read-throttle-events",
      "events-write-throttle-events",
      "sessions-read-throttle-events",
      "sessions-write-throttle-events",
      "active-sessions-read-throttle-events",
      "active-sessions-write-throttle-events",
    ]);
    expect(alarmCatalog(resources, PROD_THRESHOLDS).map((s) => s.key)).to.deep.equal(keys(true));
  });

  it("folds a function's answered 5xx and its crashes into one failure rate over its invocations", () => {
    const spec = buildAlarmSpecs(resources, PROD_THRESHOLDS, false).find((s) => s.key === "collector-error-rate")!;
    if (spec.kind !== "math") throw new Error("collector-error-rate is metric math");
    expect(spec.expression.expression).to.equal("IF(invocations > 0, 100 * (FILL(serverErrors, 0) + FILL(errors, 0)) / invocations, 0)");
    expect(spec.inputs.map((i) => [i.id, i.metric.namespace, i.metric.metricName, i.metric.dimensions])).to.deep.equal([
      ["serverErrors", "LiveInsight", "ServerErrors", { Environment: "dev", Function: "collector" }],
      ["errors", "AWS/Lambda", "Errors", { FunctionName: "c" }],
      ["invocations", "AWS/Lambda", "Invocations", { FunctionName: "c" }],
    ]);
  });

  it("plots a diagnostic alarm's metric without its threshold line while the alarm is not created", () => {
    const off = buildDashboardBody({
      region: REGION,
      resources,
      thresholds: PROD_THRESHOLDS,
      diagnosticAlarms: false,
      collectorLogGroupName: LOG_GROUP,
    });
    const on = buildDashboardBody({
      region: REGION,
      resources,
      thresholds: PROD_THRESHOLDS,
      diagnosticAlarms: true,
      collectorLogGroupName: LOG_GROUP,
    });
    const widget = (body: DashboardBody) =>
      body.widgets.map((w) => w.properties).find((p) => "title" in p && p.title === "API 4xx rate (%)") as MetricWidgetProperties;
    expect(widget(off).metrics).to.deep.equal(widget(on).metrics);
    expect(widget(off).annotations).to.equal(undefined);
    expect(widget(on).annotations?.horizontal.map((l) => l.label)).to.deep.equal(["LiveInsight-dev-Api-4xxRate > 5"]);
  });

  it("breaks the drops down by reason with Logs Insights over the collector's request lines, not one metric per reason", () => {
    const body = buildDashboardBody({
      region: REGION,
      resources,
      thresholds: PROD_THRESHOLDS,
      diagnosticAlarms: false,
      collectorLogGroupName: LOG_GROUP,
    });
    const logs = body.widgets.filter((w) => w.type === "log");
    expect(logs.map((w) => w.properties)).to.deep.equal([
      {
        title: "Events dropped by reason (Logs Insights)",
        region: REGION,
        view: "bar",
        query: `SOURCE '${LOG_GROUP}' | filter service = "collector" and message = "request completed" and dropped > 0 | stats sum(dropped) as events by drop_reason | sort events desc`,
      },
    ]);
  });

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
    const view = { region: REGION, resources, thresholds: DEV_THRESHOLDS, diagnosticAlarms: false, collectorLogGroupName: LOG_GROUP };
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

  it("draws every alarm's threshold on a widget that plots that alarm's own metric or expression, for reserved functions too", () => {
    const reserved = { ...resources, reservedConcurrency: { Collector: 10, Realtime: 6 } };
    const body = buildDashboardBody({
      region: REGION,
      resources: reserved,
      thresholds: PROD_THRESHOLDS,
      diagnosticAlarms: true,
      collectorLogGroupName: LOG_GROUP,
    });
    const specs = buildAlarmSpecs(reserved, PROD_THRESHOLDS, true);
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
  it("documents every alarm a reserved stack with an archive and the stats function creates", () => {
    const text = require("node:fs").readFileSync(require("node:path").join(__dirname, "../../docs/operations.md"), "utf8") as string;
    const resources = {
      stack: "x",
      collectorFunctionName: "c",
      realtimeFunctionName: "r",
      apiId: "a",
      apiStageName: "$default",
      tableNames: ["LiveInsight-x-Events", "LiveInsight-x-Sessions", "LiveInsight-x-ActiveSessions"],
      reservedConcurrency: { Collector: 10, Realtime: 10 },
      archive: { archiverFunctionName: "a", compactionFunctionName: "k", failureQueueName: "q" },
      statsFunctionName: "s",
    };
    for (const spec of alarmCatalog(resources, PROD_THRESHOLDS)) {
      const suffix = spec.name.replace("LiveInsight-x-", "").replace(/^(Events|Sessions|ActiveSessions)-/, "<Table>-");
      expect(text, spec.name).to.contain(`\`${suffix}\``);
    }
  });
});
