// Every function must have an error alarm: the AWS/Lambda Errors alarm on it, or a metric-math
// alarm tied to it. A function that fails silently is the failure this stack most needs to hear about.
import type { PolicyConfigSchema, PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { TYPES } from "./lib/aws";
import { booleanProperty, readConfig } from "./lib/config";
import { functionName, referencesFunction } from "./lib/lambda-refs";
import { subject } from "./lib/messages";
import { dependsThrough, known, ofType, type Props } from "./lib/resources";

interface ErrorsAlarmConfig {
  requireAlarmActions: boolean;
}
const errorsAlarmSchema: PolicyConfigSchema = {
  properties: {
    requireAlarmActions: booleanProperty("Require at least one such alarm to set alarmActions."),
  },
};

function isErrorsMetricOf(metric: Props | undefined, alarm: PolicyResource, key: string, fn: PolicyResource): boolean {
  if (metric?.metricName !== "Errors" || metric?.namespace !== "AWS/Lambda") {
    return false;
  }
  const target = known(() => metric.dimensions?.FunctionName);
  // An unknown dimension (preview) still counts when the engine says it came from this function.
  return target === undefined ? dependsThrough(alarm, key, fn) : referencesFunction(target, fn);
}

/**
 * A metric-math alarm (an error rate over log-metric-filter metrics, say) counts for a function
 * when it is tied to it: computed from the function (property dependencies), a query dimension
 * names it, or the alarm's name carries the function's name.
 */
function isMathAlarmOf(alarm: PolicyResource, fn: PolicyResource): boolean {
  const queries: Props[] = known(() => alarm.props.metricQueries) ?? [];
  if (!queries.some((q) => q.expression !== undefined)) {
    return false;
  }
  if (Object.keys(alarm.propertyDependencies).some((key) => dependsThrough(alarm, key, fn))) {
    return true;
  }
  // Each dimension read on its own: at preview some (an API id) are unknown, the function name is not.
  const dimensionValues = queries.flatMap((q) => {
    const dimensions = known(() => q.metric?.dimensions) ?? {};
    return Object.keys(dimensions).map((key) => known(() => dimensions[key]));
  });
  const name = functionName(fn);
  const alarmName = known(() => alarm.props.name);
  return (
    dimensionValues.some((v) => referencesFunction(v, fn)) ||
    (name !== undefined && typeof alarmName === "string" && alarmName.includes(name))
  );
}

function watchesErrors(alarm: PolicyResource, fn: PolicyResource): boolean {
  const props = alarm.props;
  if (isErrorsMetricOf(props, alarm, "dimensions", fn)) {
    return true;
  }
  const queries: Props[] = props.metricQueries ?? [];
  return queries.some((q) => isErrorsMetricOf(q.metric, alarm, "metricQueries", fn)) || isMathAlarmOf(alarm, fn);
}

const hasActions = (alarm: PolicyResource) => (alarm.props.alarmActions ?? []).length > 0;

function missingAlarmMessage(fn: PolicyResource, alarms: PolicyResource[], c: ErrorsAlarmConfig): string | undefined {
  const who = subject("Lambda function", fn.name);
  if (alarms.length === 0) {
    const name = functionName(fn);
    const dimension = name === undefined ? "the function's name" : `"${name}"`;
    return (
      `${who} has no CloudWatch alarm on its AWS/Lambda Errors metric; at least one is required ` +
      `(a metric alarm with metricName Errors and dimension FunctionName ${dimension}, or a metric-math ` +
      "alarm whose metricQueries include that metric)."
    );
  }
  if (c.requireAlarmActions && !alarms.some(hasActions)) {
    const names = alarms.map((a) => `"${a.name}"`).join(", ");
    return (
      `${who} has ${alarms.length} alarm(s) on its AWS/Lambda Errors metric (${names}) but none sets ` +
      "alarmActions; at least one must notify an action such as the alarm SNS topic."
    );
  }
  return undefined;
}

export const lambdaErrorsAlarm: StackValidationPolicy = {
  name: "lambda-function-errors-alarm",
  description: "Checks that every Lambda function has a CloudWatch alarm on its Errors metric.",
  enforcementLevel: "mandatory",
  configSchema: errorsAlarmSchema,
  validateStack: (args, report) => {
    const c = readConfig<ErrorsAlarmConfig>("lambda-function-errors-alarm", args);
    const alarms = ofType(args.resources, TYPES.metricAlarm);
    for (const fn of ofType(args.resources, TYPES.lambdaFunction)) {
      const message = missingAlarmMessage(
        fn,
        alarms.filter((a) => watchesErrors(a, fn)),
        c,
      );
      if (message) report(message, fn.urn);
    }
  },
};
