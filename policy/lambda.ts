// Lambda sizing rules: memory and timeout within the stack's range for the function's workload.
// Both can remediate: with enforcementLevel "remediate" they clamp the input into the allowed
// range instead of failing. The workload is the function's `liveinsight:workload` tag
// (contracts/names.ts), set by the component that builds it:
// - untagged: a function behind the collector API, answering in a few seconds (the API range);
// - `batch` (the archiver, compaction): no API in front, minutes of work on a schedule or a stream;
// - `query` (the stats function): behind an API of its own, waiting on Athena for up to 29 s, the
//   most that fits API Gateway's 30 s integration limit.
// Each workload's range is a pair of config settings (below) whose values live in the stack
// profiles (lib/profiles.ts) and policy/config/<stack>.json. A tag only picks the range: a function
// behind an API still meets lambda-function-timeout-below-integration, whatever it is tagged.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { BATCH_WORKLOAD, QUERY_WORKLOAD, WORKLOAD_TAG } from "../contracts/names";
import { AWS_DEFAULTS, TYPES } from "./lib/aws";
import { integerSettings } from "./lib/config";
import { checkRange, clamp, effectiveValue, type RangeCheck, subject } from "./lib/messages";
import { type Props, remediateTypes, validateTypes } from "./lib/resources";

const FUNCTION = [TYPES.lambdaFunction];
const functionSubject = (name: string) => subject("Lambda function", name);

type Limit = [minimum: number, maximum: number, description: string];

/** The workloads with ranges of their own, by tag value; any other function is judged as an API function. */
const TAGGED_WORKLOADS = { [BATCH_WORKLOAD]: "batch", [QUERY_WORKLOAD]: "query" } as const;
export type Workload = "api" | (typeof TAGGED_WORKLOADS)[keyof typeof TAGGED_WORKLOADS];

export function workloadOf(props: Props): Workload {
  const tag = props.tags?.[WORKLOAD_TAG];
  return (typeof tag === "string" && (TAGGED_WORKLOADS as Record<string, Workload>)[tag]) || "api";
}

/** One workload's range: the config settings holding the lower and the upper bound. */
interface RangeSettings<Min extends string, Max extends string> {
  min: [Min, Limit];
  max: [Max, Limit];
}

/** One numeric Lambda property that must lie within [min, max] from the policy config. */
interface RangeRule<Min extends string, Max extends string> {
  name: string;
  description: string;
  field: "memorySize" | "timeout";
  unit: string;
  awsDefault: number;
  limits: Record<Workload, RangeSettings<Min, Max>>;
}

function rangeCheck<Min extends string, Max extends string>(
  rule: RangeRule<Min, Max>,
  props: Props,
  name: string,
  c: Record<Min | Max, number>,
): RangeCheck {
  const workload = workloadOf(props);
  const limits = rule.limits[workload];
  return {
    subject: workload === "api" ? functionSubject(name) : `${functionSubject(name)} (${WORKLOAD_TAG}: ${props.tags[WORKLOAD_TAG]})`,
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
  const settings = integerSettings(
    Object.fromEntries(Object.values<RangeSettings<Min, Max>>(rule.limits).flatMap(({ min, max }) => [min, max])) as Record<
      Min | Max,
      Limit
    >,
  );
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
  description: "Checks that every Lambda function's memorySize is within the configured range for its workload.",
  field: "memorySize",
  unit: " MB",
  awsDefault: AWS_DEFAULTS.lambdaMemoryMb,
  limits: {
    api: {
      min: ["minMemoryMb", [128, 10240, "Smallest memorySize allowed (MB)."]],
      max: ["maxMemoryMb", [128, 10240, "Largest memorySize allowed (MB)."]],
    },
    batch: {
      min: ["minBatchMemoryMb", [128, 10240, "Smallest memorySize allowed for batch functions (MB)."]],
      max: ["maxBatchMemoryMb", [128, 10240, "Largest memorySize allowed for batch functions (MB)."]],
    },
    query: {
      min: ["minQueryMemoryMb", [128, 10240, "Smallest memorySize allowed for query functions (MB)."]],
      max: ["maxQueryMemoryMb", [128, 10240, "Largest memorySize allowed for query functions (MB)."]],
    },
  },
});

export const lambdaTimeoutRange = rangePolicy({
  name: "lambda-function-timeout-range",
  description: "Checks that every Lambda function's timeout is within the configured range for its workload.",
  field: "timeout",
  unit: " s",
  awsDefault: AWS_DEFAULTS.lambdaTimeoutSeconds,
  limits: {
    api: {
      min: ["minTimeoutSeconds", [1, 900, "Shortest timeout allowed (seconds)."]],
      max: ["maxTimeoutSeconds", [1, 900, "Longest timeout allowed (seconds)."]],
    },
    batch: {
      min: ["minBatchTimeoutSeconds", [1, 900, "Shortest timeout allowed for batch functions (seconds)."]],
      max: ["maxBatchTimeoutSeconds", [1, 900, "Longest timeout allowed for batch functions (seconds)."]],
    },
    query: {
      min: ["minQueryTimeoutSeconds", [1, 900, "Shortest timeout allowed for query functions (seconds)."]],
      max: ["maxQueryTimeoutSeconds", [1, 900, "Longest timeout allowed for query functions (seconds)."]],
    },
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
