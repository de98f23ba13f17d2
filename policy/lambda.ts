// Lambda sizing rules: memory and timeout within the stack's range. Both can remediate: with
// enforcementLevel "remediate" they clamp the input into the allowed range instead of failing.
// A function tagged `liveinsight:workload: batch` (the archiver, compaction: no API in front,
// minutes of work on a schedule or a stream) is judged by the batch ranges; an API function that
// carried the tag would still meet lambda-function-timeout-below-integration.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { BATCH_WORKLOAD, WORKLOAD_TAG } from "../contracts/names";
import { AWS_DEFAULTS, TYPES } from "./lib/aws";
import { integerSettings } from "./lib/config";
import { checkRange, clamp, effectiveValue, type RangeCheck, subject } from "./lib/messages";
import { type Props, remediateTypes, validateTypes } from "./lib/resources";

const FUNCTION = [TYPES.lambdaFunction];
const functionSubject = (name: string) => subject("Lambda function", name);

type Limit = [minimum: number, maximum: number, description: string];

const isBatch = (props: Props) => props.tags?.[WORKLOAD_TAG] === BATCH_WORKLOAD;

/** One numeric Lambda property that must lie within [min, max] from the policy config. */
interface RangeRule<Min extends string, Max extends string> {
  name: string;
  description: string;
  field: "memorySize" | "timeout";
  unit: string;
  awsDefault: number;
  /** the config settings holding the lower and the upper bound */
  limits: { min: [Min, Limit]; max: [Max, Limit] };
  /** the same for functions tagged as batch workloads */
  batchLimits: { min: [Min, Limit]; max: [Max, Limit] };
}

function rangeCheck<Min extends string, Max extends string>(
  rule: RangeRule<Min, Max>,
  props: Props,
  name: string,
  c: Record<Min | Max, number>,
): RangeCheck {
  const batch = isBatch(props);
  const limits = batch ? rule.batchLimits : rule.limits;
  return {
    subject: batch ? `${functionSubject(name)} (${WORKLOAD_TAG}: ${BATCH_WORKLOAD})` : functionSubject(name),
    field: rule.field,
    value: props[rule.field],
    unit: rule.unit,
    awsDefault: rule.awsDefault,
    min: c[limits.min[0]],
    max: c[limits.max[0]],
  };
}

/** Validates the range and, with enforcementLevel "remediate", clamps the value into it. */
function rangePolicy<Min extends string, Max extends string>(rule: RangeRule<Min, Max>): ResourceValidationPolicy {
  const { min, max } = rule.limits;
  const { min: batchMin, max: batchMax } = rule.batchLimits;
  const settings = integerSettings({
    [min[0]]: min[1],
    [max[0]]: max[1],
    [batchMin[0]]: batchMin[1],
    [batchMax[0]]: batchMax[1],
  } as Record<Min | Max, Limit>);
  return {
    name: rule.name,
    description: rule.description,
    enforcementLevel: "mandatory",
    configSchema: settings.schema,
    validateResource: validateTypes(FUNCTION, (props, args, report) => {
      const message = checkRange(rangeCheck(rule, props, args.name, settings.read(rule.name, args)));
      if (message) report(message);
    }),
    remediateResource: remediateTypes(FUNCTION, (props, args) =>
      clampField(props, rule.field, rangeCheck(rule, props, args.name, settings.read(rule.name, args))),
    ),
  };
}

export const lambdaMemoryRange = rangePolicy({
  name: "lambda-function-memory-range",
  description: "Checks that every Lambda function's memorySize is within the configured range.",
  field: "memorySize",
  unit: " MB",
  awsDefault: AWS_DEFAULTS.lambdaMemoryMb,
  limits: {
    min: ["minMemoryMb", [128, 10240, "Smallest memorySize allowed (MB)."]],
    max: ["maxMemoryMb", [128, 10240, "Largest memorySize allowed (MB)."]],
  },
  batchLimits: {
    min: ["minBatchMemoryMb", [128, 10240, "Smallest memorySize allowed for batch functions (MB)."]],
    max: ["maxBatchMemoryMb", [128, 10240, "Largest memorySize allowed for batch functions (MB)."]],
  },
});

export const lambdaTimeoutRange = rangePolicy({
  name: "lambda-function-timeout-range",
  description: "Checks that every Lambda function's timeout is within the configured range.",
  field: "timeout",
  unit: " s",
  awsDefault: AWS_DEFAULTS.lambdaTimeoutSeconds,
  limits: {
    min: ["minTimeoutSeconds", [1, 900, "Shortest timeout allowed (seconds)."]],
    max: ["maxTimeoutSeconds", [1, 900, "Longest timeout allowed (seconds)."]],
  },
  batchLimits: {
    min: ["minBatchTimeoutSeconds", [1, 900, "Shortest timeout allowed for batch functions (seconds)."]],
    max: ["maxBatchTimeoutSeconds", [1, 900, "Longest timeout allowed for batch functions (seconds)."]],
  },
});

/** Sets props[field] to the effective value clamped into range; undefined when nothing changes. */
function clampField(props: Props, field: string, check: RangeCheck): Props | undefined {
  const value = effectiveValue(check);
  if (value === undefined) {
    return undefined;
  }
  const clamped = clamp(value, check.min, check.max);
  if (clamped === value) {
    return undefined;
  }
  props[field] = clamped;
  return props;
}
