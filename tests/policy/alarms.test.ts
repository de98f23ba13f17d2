import { expect } from "chai";
import { DEV_TAGS, FUNCTION_NAME, goodSpecs, messagesOf, stackWith, TOPIC_ARN, toResources, UNKNOWN, urnOf } from "./fixtures";

type Props = Record<string, any>;
const NAME = "lambda-function-errors-alarm";
const MISSING =
  'Lambda function "collector" has no CloudWatch alarm on its AWS/Lambda Errors metric; at least one is required ' +
  `(a metric alarm with metricName Errors and dimension FunctionName "${FUNCTION_NAME}", or a metric-math alarm whose metricQueries include that metric).`;

const singleMetricAlarm = (metricName: string, functionName = FUNCTION_NAME): Props => ({
  metricName,
  namespace: "AWS/Lambda",
  statistic: "Sum",
  period: 60,
  evaluationPeriods: 1,
  threshold: 1,
  comparisonOperator: "GreaterThanThreshold",
  dimensions: { FunctionName: functionName },
  alarmActions: [TOPIC_ARN],
});

function stackWithAlarm(alarm?: Props) {
  const specs = goodSpecs();
  delete specs["collector-error-rate"];
  if (alarm) specs["collector-alarm"] = { type: "aws:cloudwatch/metricAlarm:MetricAlarm", props: alarm };
  return toResources(specs);
}

describe("policy lambda-function-errors-alarm", () => {
  it("passes the compliant stack (metric-math error-rate alarm)", async () => {
    expect(await messagesOf(NAME, stackWith())).to.deep.equal([]);
  });

  it("accepts a single-metric Errors alarm on the function", async () => {
    expect(await messagesOf(NAME, stackWithAlarm(singleMetricAlarm("Errors")))).to.deep.equal([]);
  });

  it("reports a function with no alarm at all", async () => {
    expect(await messagesOf(NAME, stackWithAlarm())).to.deep.equal([MISSING]);
  });

  it("does not count an alarm on another metric", async () => {
    expect(await messagesOf(NAME, stackWithAlarm(singleMetricAlarm("Throttles")))).to.deep.equal([MISSING]);
  });

  it("does not count an Errors alarm on another function", async () => {
    expect(await messagesOf(NAME, stackWithAlarm(singleMetricAlarm("Errors", "LiveInsight-test-other")))).to.deep.equal([MISSING]);
  });

  it("counts a metric-math alarm tied to the function by a query dimension, even without the Errors metric", async () => {
    const resources = stackWith("collector-error-rate", (p) => {
      p.metricQueries = p.metricQueries.slice(1);
    });
    expect(await messagesOf(NAME, resources)).to.deep.equal([]);
  });

  it("does not count a metric-math alarm over another function's metrics", async () => {
    const resources = stackWith("collector-error-rate", (p) => {
      p.metricQueries = p.metricQueries.slice(1);
      p.metricQueries[0].metric.dimensions.FunctionName = "LiveInsight-test-other";
    });
    expect(await messagesOf(NAME, resources)).to.deep.equal([MISSING]);
  });

  it("requires alarm actions when configured", async () => {
    const resources = stackWith("collector-error-rate", (p) => {
      delete p.alarmActions;
    });
    expect(await messagesOf(NAME, resources, {}, DEV_TAGS)).to.deep.equal([]);
    expect(await messagesOf(NAME, resources, { requireAlarmActions: true })).to.deep.equal([
      'Lambda function "collector" has 1 alarm(s) on its AWS/Lambda Errors metric ("collector-error-rate") but none sets alarmActions; at least one must notify an action such as the alarm SNS topic.',
    ]);
  });

  it("matches through property dependencies when the dimension is unknown during preview", async () => {
    const alarm = singleMetricAlarm("Errors", UNKNOWN);
    const specs = goodSpecs();
    delete specs["collector-error-rate"];
    specs["collector-alarm"] = {
      type: "aws:cloudwatch/metricAlarm:MetricAlarm",
      props: alarm,
      propertyDependencies: { dimensions: [urnOf(specs.collector.type, "collector")] },
    };
    expect(await messagesOf(NAME, toResources(specs))).to.deep.equal([]);
  });

  it("counts a metric-math alarm over log-metric-filter metrics joined by property dependencies or by its name", async () => {
    const math = (extra: Record<string, unknown>) => ({
      comparisonOperator: "GreaterThanThreshold",
      evaluationPeriods: 5,
      threshold: 1,
      alarmActions: [TOPIC_ARN],
      metricQueries: [
        {
          id: "failed",
          returnData: false,
          metric: { metricName: "RequestsFailed", namespace: "LiveInsight/test", period: 60, stat: "Sum" },
        },
        { id: "rate", expression: "100 * failed / 10", returnData: true },
      ],
      ...extra,
    });
    const stackOf = (props: Record<string, unknown>, propertyDependencies: Record<string, string[]> = {}) => {
      const specs = goodSpecs();
      delete specs["collector-error-rate"];
      specs["collector-math"] = { type: "aws:cloudwatch/metricAlarm:MetricAlarm", props, propertyDependencies };
      return toResources(specs);
    };
    expect(await messagesOf(NAME, stackOf(math({})))).to.deep.equal([MISSING]);
    expect(
      await messagesOf(NAME, stackOf(math({}), { metricQueries: [urnOf("aws:lambda/function:Function", "collector")] })),
    ).to.deep.equal([]);
    expect(await messagesOf(NAME, stackOf(math({ name: `${FUNCTION_NAME}-error-rate` })))).to.deep.equal([]);
  });
});
