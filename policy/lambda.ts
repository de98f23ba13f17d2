// Lambda sizing rules: memory and timeout within the stack's range. Both can remediate: with
// enforcementLevel "remediate" they clamp the input into the allowed range instead of failing.
import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { AWS_DEFAULTS, TYPES } from "./lib/aws";
import { integerProperty, readConfig } from "./lib/config";
import { checkRange, clamp, effectiveValue, type RangeCheck, subject } from "./lib/messages";
import { type Props, remediateTypes, validateTypes } from "./lib/resources";

const FUNCTION = [TYPES.lambdaFunction];
const functionSubject = (name: string) => subject("Lambda function", name);

/** One numeric Lambda property that must lie within [min, max] from the policy config. */
interface RangeRule {
  name: string;
  description: string;
  field: "memorySize" | "timeout";
  unit: string;
  awsDefault: number;
  minKey: string;
  maxKey: string;
  schema: PolicyConfigSchema;
}

function rangeCheck(rule: RangeRule, props: Props, name: string, c: Record<string, number>): RangeCheck {
  return {
    subject: functionSubject(name),
    field: rule.field,
    value: props[rule.field],
    unit: rule.unit,
    awsDefault: rule.awsDefault,
    min: c[rule.minKey],
    max: c[rule.maxKey],
  };
}

/** Validates the range and, with enforcementLevel "remediate", clamps the value into it. */
function rangePolicy(rule: RangeRule): ResourceValidationPolicy {
  return {
    name: rule.name,
    description: rule.description,
    enforcementLevel: "mandatory",
    configSchema: rule.schema,
    validateResource: validateTypes(FUNCTION, (props, args, report) => {
      const message = checkRange(rangeCheck(rule, props, args.name, readConfig(rule.name, args)));
      if (message) report(message);
    }),
    remediateResource: remediateTypes(FUNCTION, (props, args) =>
      clampField(props, rule.field, rangeCheck(rule, props, args.name, readConfig<Record<string, number>>(rule.name, args))),
    ),
  };
}

export const lambdaMemoryRange = rangePolicy({
  name: "lambda-function-memory-range",
  description: "Checks that every Lambda function's memorySize is within the configured range.",
  field: "memorySize",
  unit: " MB",
  awsDefault: AWS_DEFAULTS.lambdaMemoryMb,
  minKey: "minMemoryMb",
  maxKey: "maxMemoryMb",
  schema: {
    properties: {
      minMemoryMb: integerProperty(128, 10240, "Smallest memorySize allowed (MB)."),
      maxMemoryMb: integerProperty(128, 10240, "Largest memorySize allowed (MB)."),
    },
  },
});

export const lambdaTimeoutRange = rangePolicy({
  name: "lambda-function-timeout-range",
  description: "Checks that every Lambda function's timeout is within the configured range.",
  field: "timeout",
  unit: " s",
  awsDefault: AWS_DEFAULTS.lambdaTimeoutSeconds,
  minKey: "minTimeoutSeconds",
  maxKey: "maxTimeoutSeconds",
  schema: {
    properties: {
      minTimeoutSeconds: integerProperty(1, 900, "Shortest timeout allowed (seconds)."),
      maxTimeoutSeconds: integerProperty(1, 900, "Longest timeout allowed (seconds)."),
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
