import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import type * as Storage from "../../components/analytics-tables";
// Type-only: the component modules are loaded with require() after the mocks are in place.
import type * as Components from "../../components/collector-api";
import { API_DEFAULTS, FUNCTION_DEFAULTS, TABLE_DEFAULTS } from "../../components/defaults";
import { DEFAULT_ALARM_THRESHOLDS } from "../../components/metrics";
import type * as Observe from "../../components/observability";
import { DEFAULTS } from "../../config";
import { MOCK_ACCOUNT_ID, ProgramMocks } from "../../scripts/lib/program-mocks";

const REGION = "us-east-1";

interface Recorded {
  type: string;
  name: string;
  inputs: Record<string, any>;
}

function resolved<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) =>
    output.apply((value) => {
      resolve(value);
      return value;
    }),
  );
}

/** Builds a component and waits until each of its children is registered with the mock monitor. */
async function childrenOf(
  build: (opts: pulumi.ComponentResourceOptions) => pulumi.ComponentResource,
  sink: Recorded[],
): Promise<Recorded[]> {
  const children: pulumi.Resource[] = [];
  const component = build({
    transformations: [
      (t) => {
        children.push(t.resource);
        return undefined;
      },
    ],
  });
  await Promise.all(children.map((c) => resolved(c.urn)));
  const own = await resolved(component.urn);
  const names = new Set(await Promise.all(children.map((c) => resolved(c.urn).then((urn) => urn.split("::").pop()!))));
  names.delete(own.split("::").pop()!);
  return sink.filter((r) => names.has(r.name));
}

describe("component defaults", () => {
  const sink: Recorded[] = [];
  let api: Recorded[];
  let tables: Recorded[];
  let observability: Recorded[];

  before(async () => {
    const mocks = new ProgramMocks(REGION);
    await pulumi.runtime.setMocks(
      {
        newResource(args) {
          sink.push({ type: args.type, name: args.name, inputs: args.inputs });
          return mocks.newResource(args);
        },
        call: (args) => mocks.call(args),
      },
      "liveinsight",
      "qa",
      false,
    );
    pulumi.runtime.setConfig("aws:region", REGION);
    const { CollectorApi } = require("../../components/collector-api") as typeof Components;
    const { Observability } = require("../../components/observability") as typeof Observe;
    const { AnalyticsTables } = require("../../components/analytics-tables") as typeof Storage;
    const table = (t: string) => ({
      name: `LiveInsight-qa-${t}`,
      arn: `arn:aws:dynamodb:${REGION}:${MOCK_ACCOUNT_ID}:table/LiveInsight-qa-${t}`,
    });
    tables = await childrenOf((opts) => new AnalyticsTables("bare-tables", { stack: "qa" }, opts), sink);
    api = await childrenOf(
      (opts) =>
        new CollectorApi(
          "bare-api",
          { stack: "qa", tables: { events: table("Events"), sessions: table("Sessions"), activeSessions: table("ActiveSessions") } },
          opts,
        ),
      sink,
    );
    observability = await childrenOf(
      (opts) =>
        new Observability(
          "bare-observability",
          {
            stack: "qa",
            functions: { collector: { name: "c", logGroupName: "/aws/lambda/c" }, realtime: { name: "r", logGroupName: "/aws/lambda/r" } },
            api: { id: "a", stageName: "$default", accessLogGroupName: "/aws/vendedlogs/apigateway/a/access" },
            tableNames: ["LiveInsight-qa-Events", "LiveInsight-qa-Sessions", "LiveInsight-qa-ActiveSessions"],
          },
          opts,
        ),
      sink,
    );
  });

  const one = (resources: Recorded[], type: string, name: string) => {
    const found = resources.filter((r) => r.type === type && r.name === name);
    expect(found, `${type} ${name}`).to.have.length(1);
    return found[0]!.inputs;
  };

  it("config.ts's DEFAULTS are the components' own, key for key", () => {
    expect(DEFAULTS).to.deep.equal({
      ...FUNCTION_DEFAULTS,
      ...API_DEFAULTS,
      ...TABLE_DEFAULTS,
      alarmEmail: undefined,
      tableKmsKeyArn: undefined,
      alarmThresholds: DEFAULT_ALARM_THRESHOLDS,
    });
  });

  it("CollectorApi given only the stack and tables builds both functions with 256 MB, 10 s, arm64, unreserved, 30-day logs", () => {
    for (const kind of ["collector", "realtime"]) {
      const fn = one(api, "aws:lambda/function:Function", `bare-api-${kind}`);
      expect([fn.memorySize, fn.timeout, fn.architectures, fn.reservedConcurrentExecutions], kind).to.deep.equal([256, 10, ["arm64"], -1]);
      expect(one(api, "aws:cloudwatch/logGroup:LogGroup", `bare-api-${kind}-logs`).retentionInDays, kind).to.equal(30);
    }
    expect(one(api, "aws:cloudwatch/logGroup:LogGroup", "bare-api-access-logs").retentionInDays).to.equal(30);
  });

  it("CollectorApi's default environment keeps events 90 days, retries 3 times in standard mode and trusts no proxy", () => {
    const env = one(api, "aws:lambda/function:Function", "bare-api-collector").environment.variables;
    expect(env).to.deep.include({ EVENT_RETENTION_DAYS: "90", AWS_MAX_ATTEMPTS: "3", AWS_RETRY_MODE: "standard", TRUSTED_PROXY_HOPS: "0" });
    const realtime = one(api, "aws:lambda/function:Function", "bare-api-realtime").environment.variables;
    expect(realtime).to.deep.include({ AWS_MAX_ATTEMPTS: "3", AWS_RETRY_MODE: "standard" });
  });

  it("CollectorApi's default API throttles at 100/s with a burst of 200, allows any origin and waits 12 s for an integration", () => {
    expect(one(api, "aws:apigatewayv2/stage:Stage", "bare-api-stage").defaultRouteSettings).to.deep.include({
      throttlingRateLimit: 100,
      throttlingBurstLimit: 200,
    });
    expect(one(api, "aws:apigatewayv2/api:Api", "bare-api-http").corsConfiguration.allowOrigins).to.deep.equal(["*"]);
    for (const id of ["events", "realtime"]) {
      expect(one(api, "aws:apigatewayv2/integration:Integration", `bare-api-${id}-integration`).timeoutMilliseconds, id).to.equal(12000);
    }
  });

  it("AnalyticsTables given only the stack leaves the tables unprotected, on the AWS-owned key", () => {
    expect(tables.map((t) => t.type)).to.deep.equal(Array(3).fill("aws:dynamodb/table:Table"));
    for (const t of tables) {
      expect([t.inputs.pointInTimeRecovery, t.inputs.deletionProtectionEnabled, t.inputs.serverSideEncryption], t.name).to.deep.equal([
        { enabled: false },
        false,
        undefined,
      ]);
    }
  });

  it("Observability without alarm settings uses the default thresholds and subscribes no one", () => {
    expect(observability.filter((r) => r.type === "aws:sns/topicSubscription:TopicSubscription")).to.deep.equal([]);
    expect(one(observability, "aws:cloudwatch/metricAlarm:MetricAlarm", "bare-observability-api-p99-latency").threshold).to.equal(1500);
    // Unreserved by default, so there is no concurrency alarm to size.
    expect(observability.filter((r) => /concurrency/i.test(r.name))).to.deep.equal([]);
  });
});
