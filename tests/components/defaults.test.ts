/**
 * A stack that sets nothing but its region deploys config.ts's DEFAULTS: the components have no
 * defaults of their own, so every value below reached them from the one settings module, through
 * index.ts. The whole program runs under mocks, with Pulumi.yaml's declarations as the CLI applies them.
 */
import { expect } from "chai";
import { DEFAULTS } from "../../config";
import { functionEnvironment, functionSettingsOf } from "../../contracts/function-env";
import { tableNamesFor } from "../../contracts/tables";
import { ofType, type RecordedResource, runProgram } from "../../scripts/lib/program-harness";

describe("a stack that sets nothing (config.ts's DEFAULTS)", () => {
  let resources: RecordedResource[];
  before(async () => {
    resources = await runProgram({ stack: "qa", config: { "aws:region": "us-east-1" } });
  });

  const one = (type: string, name: string) => {
    const found = ofType(resources, type).filter((r) => r.name === name);
    expect(found, `${type} ${name}`).to.have.length(1);
    return found[0]!.inputs;
  };

  it("builds both functions with 256 MB, 10 s, arm64, unreserved, and 30-day log groups", () => {
    for (const kind of ["collector", "realtime"]) {
      const fn = one("aws:lambda/function:Function", `api-${kind}`);
      expect([fn.memorySize, fn.timeout, fn.architectures, fn.reservedConcurrentExecutions], kind).to.deep.equal([256, 10, ["arm64"], -1]);
      expect([fn.memorySize, fn.timeout, fn.architectures[0], fn.reservedConcurrentExecutions]).to.deep.equal([
        DEFAULTS.memorySize,
        DEFAULTS.timeoutSeconds,
        DEFAULTS.architecture,
        DEFAULTS.reservedConcurrency,
      ]);
    }
    for (const group of ofType(resources, "aws:cloudwatch/logGroup:LogGroup"))
      expect(group.inputs.retentionInDays, group.name).to.equal(30);
  });

  it("writes each function's environment from the contract with the defaults: 7 hot days, 3 attempts, standard mode, no trusted proxy", () => {
    const tables = tableNamesFor("qa");
    for (const kind of ["collector", "realtime"] as const) {
      const env = one("aws:lambda/function:Function", `api-${kind}`).environment.variables;
      expect(env, kind).to.deep.equal(functionEnvironment(kind, "qa", tables, functionSettingsOf(DEFAULTS)));
      expect(env, kind).to.deep.include({
        HOT_RETENTION_DAYS: "7",
        AWS_MAX_ATTEMPTS: "3",
        AWS_RETRY_MODE: "standard",
        TRUSTED_PROXY_HOPS: "0",
      });
    }
  });

  it("throttles the stage at 100/s with a burst of 200, allows any origin and waits 12 s for an integration", () => {
    expect(one("aws:apigatewayv2/stage:Stage", "api-stage").defaultRouteSettings).to.deep.include({
      throttlingRateLimit: 100,
      throttlingBurstLimit: 200,
    });
    expect(one("aws:apigatewayv2/api:Api", "api-http").corsConfiguration.allowOrigins).to.deep.equal(["*"]);
    for (const id of ["events", "realtime"]) {
      expect(one("aws:apigatewayv2/integration:Integration", `api-${id}-integration`).timeoutMilliseconds, id).to.equal(12000);
    }
  });

  it("leaves the tables unprotected, on the AWS-owned key", () => {
    const tables = ofType(resources, "aws:dynamodb/table:Table");
    expect(tables).to.have.length(3);
    for (const t of tables) {
      expect(
        [t.inputs.pointInTimeRecovery, t.inputs.deletionProtectionEnabled, t.inputs.serverSideEncryption, t.protect],
        t.name,
      ).to.deep.equal([{ enabled: false }, false, undefined, false]);
    }
  });

  it("alarms at the default thresholds and subscribes no one", () => {
    expect(ofType(resources, "aws:sns/topicSubscription:TopicSubscription")).to.deep.equal([]);
    expect(one("aws:cloudwatch/metricAlarm:MetricAlarm", "observability-api-p99-latency").threshold).to.equal(1500);
    expect(one("aws:cloudwatch/metricAlarm:MetricAlarm", "observability-api-p99-latency").threshold).to.equal(
      DEFAULTS.alarmThresholds.apiP99LatencyMs,
    );
    // Unreserved by default, so there is no concurrency alarm to size.
    expect(ofType(resources, "aws:cloudwatch/metricAlarm:MetricAlarm").filter((r) => /concurrent/i.test(r.name))).to.deep.equal([]);
  });
});
