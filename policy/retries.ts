// Retry rules: the SDK retry env of each function, its asynchronous event-invoke config, and the
// failure handling of stream event source mappings. Unbounded retries multiply load exactly when a
// dependency is already failing, so every layer must state a bound.
import type { PolicyConfigSchema, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { SDK_RETRY_MODES } from "../contracts/function-env";
import { AWS_DEFAULTS, TYPES } from "./lib/aws";
import { booleanProperty, integerProperty, integerSettings, readConfig, stringListProperty } from "./lib/config";
import { pointsAtFunction } from "./lib/lambda-refs";
import { checkRange, checkRequiredTrue, clamp, quoteList, rangeText, subject } from "./lib/messages";
import { known, ofType, type Props, remediateTypes, validateTypes } from "./lib/resources";

interface SdkRetryConfig {
  minAttempts: number;
  maxAttempts: number;
  allowedRetryModes: string[];
}
const sdkRetrySchema: PolicyConfigSchema = {
  properties: {
    minAttempts: integerProperty(1, 100, "Smallest AWS_MAX_ATTEMPTS allowed (1 = no retry)."),
    maxAttempts: integerProperty(1, 100, "Largest AWS_MAX_ATTEMPTS allowed."),
    allowedRetryModes: stringListProperty("AWS_RETRY_MODE values allowed.", [...SDK_RETRY_MODES]),
  },
};

function environmentOf(props: Props): Record<string, unknown> {
  return props.environment?.variables ?? {};
}

function attemptsMessage(who: string, raw: unknown, c: SdkRetryConfig): string | undefined {
  const range = rangeText(c.minAttempts, c.maxAttempts);
  if (raw === undefined || raw === null || raw === "") {
    return (
      `${who} does not set environment variable AWS_MAX_ATTEMPTS (the AWS SDK would silently use ` +
      `${AWS_DEFAULTS.sdkMaxAttempts} attempts); it is required and ${range}.`
    );
  }
  if (!/^\d+$/.test(String(raw))) {
    return `${who} has environment variable AWS_MAX_ATTEMPTS ${JSON.stringify(raw)}, which is not a whole number; ${range}.`;
  }
  return checkRange({
    subject: who,
    field: "environment variable AWS_MAX_ATTEMPTS",
    value: Number(raw),
    min: c.minAttempts,
    max: c.maxAttempts,
  });
}

function retryModeMessage(who: string, raw: unknown, c: SdkRetryConfig): string | undefined {
  const mode = raw ?? AWS_DEFAULTS.sdkRetryMode;
  if (typeof mode === "string" && c.allowedRetryModes.includes(mode)) {
    return undefined;
  }
  const allowed = `the allowed values are ${quoteList(c.allowedRetryModes)}`;
  if (raw === undefined) {
    return (
      `${who} does not set environment variable AWS_RETRY_MODE, so the AWS SDK uses its default of ` +
      `"${AWS_DEFAULTS.sdkRetryMode}"; ${allowed}.`
    );
  }
  return `${who} has environment variable AWS_RETRY_MODE ${JSON.stringify(raw)}; ${allowed}.`;
}

/** Clamped attempts (a missing or malformed value counts as the SDK default) and an allowed mode. */
function remediateSdkEnv(props: Props, c: SdkRetryConfig): Props | undefined {
  const env = environmentOf(props);
  const raw = env.AWS_MAX_ATTEMPTS;
  const current = /^\d+$/.test(String(raw ?? "")) ? Number(raw) : AWS_DEFAULTS.sdkMaxAttempts;
  const attempts = String(clamp(current, c.minAttempts, c.maxAttempts));
  const modeAllowed = c.allowedRetryModes.includes(String(env.AWS_RETRY_MODE ?? AWS_DEFAULTS.sdkRetryMode));
  if (attempts === String(raw) && modeAllowed) {
    return undefined;
  }
  const mode = modeAllowed ? {} : { AWS_RETRY_MODE: c.allowedRetryModes[0] };
  props.environment = { ...props.environment, variables: { ...env, AWS_MAX_ATTEMPTS: attempts, ...mode } };
  return props;
}

export const lambdaSdkRetryEnv: ResourceValidationPolicy = {
  name: "lambda-function-sdk-retry-env",
  description: "Checks that every Lambda function sets AWS_MAX_ATTEMPTS within range and an allowed AWS_RETRY_MODE.",
  enforcementLevel: "mandatory",
  configSchema: sdkRetrySchema,
  validateResource: validateTypes([TYPES.lambdaFunction], (props, args, report) => {
    const c = readConfig<SdkRetryConfig>("lambda-function-sdk-retry-env", args);
    const who = subject("Lambda function", args.name);
    const env = environmentOf(props);
    for (const message of [attemptsMessage(who, env.AWS_MAX_ATTEMPTS, c), retryModeMessage(who, env.AWS_RETRY_MODE, c)]) {
      if (message) report(message);
    }
  }),
  remediateResource: remediateTypes([TYPES.lambdaFunction], (props, args) =>
    remediateSdkEnv(props, readConfig<SdkRetryConfig>("lambda-function-sdk-retry-env", args)),
  ),
};

const invokeConfig = integerSettings({
  maxRetryAttempts: [0, 2, "Largest maximumRetryAttempts allowed for asynchronous invocations."],
  maxEventAgeSeconds: [60, 21600, "Largest maximumEventAgeInSeconds allowed."],
});

export const lambdaEventInvokeConfig: StackValidationPolicy = {
  name: "lambda-function-event-invoke-config",
  description: "Checks that every Lambda function has an explicit event-invoke config with bounded retries and event age.",
  enforcementLevel: "mandatory",
  configSchema: invokeConfig.schema,
  validateStack: (args, report) => {
    const c = invokeConfig.read("lambda-function-event-invoke-config", args);
    const invokeConfigs = ofType(args.resources, TYPES.eventInvokeConfig);
    for (const fn of ofType(args.resources, TYPES.lambdaFunction)) {
      const mine = invokeConfigs.filter((ic) => pointsAtFunction(ic, "functionName", fn));
      if (mine.length === 0) {
        report(
          `${subject("Lambda function", fn.name)} has no FunctionEventInvokeConfig, so asynchronous ` +
            `invocations get the AWS defaults of ${AWS_DEFAULTS.asyncMaxRetryAttempts} retries and a ` +
            `${AWS_DEFAULTS.asyncMaxEventAgeSeconds} s maximum event age; add one with maximumRetryAttempts ` +
            `0 to ${c.maxRetryAttempts} and maximumEventAgeInSeconds 60 to ${c.maxEventAgeSeconds} s.`,
          fn.urn,
        );
      }
      for (const ic of mine) {
        const who = `${subject("Event-invoke config", ic.name)} of ${subject("Lambda function", fn.name)}`;
        const messages = [
          checkRange({
            subject: who,
            field: "maximumRetryAttempts",
            value: ic.props.maximumRetryAttempts,
            awsDefault: AWS_DEFAULTS.asyncMaxRetryAttempts,
            min: 0,
            max: c.maxRetryAttempts,
          }),
          checkRange({
            subject: who,
            field: "maximumEventAgeInSeconds",
            value: ic.props.maximumEventAgeInSeconds,
            awsDefault: AWS_DEFAULTS.asyncMaxEventAgeSeconds,
            min: 60,
            max: c.maxEventAgeSeconds,
            unit: " s",
          }),
        ];
        for (const m of messages) if (m) report(m, ic.urn);
      }
    }
  },
};

interface MappingConfig {
  maxRetryAttempts: number;
  requireBisect: boolean;
  requireOnFailureDestination: boolean;
  maxRecordAgeSeconds: number;
}
const mappingSchema: PolicyConfigSchema = {
  properties: {
    maxRetryAttempts: integerProperty(0, 10000, "Largest maximumRetryAttempts allowed for stream mappings."),
    requireBisect: booleanProperty("Require bisectBatchOnFunctionError: true."),
    requireOnFailureDestination: booleanProperty("Require destinationConfig.onFailure.destinationArn."),
    maxRecordAgeSeconds: integerProperty(60, 604800, "Largest maximumRecordAgeInSeconds allowed (-1, forever, never is)."),
  },
};

/** Only Kinesis and DynamoDB stream sources support retry bounds, bisect and on-failure destinations. */
function isStreamMapping(props: Props): boolean {
  const arn = known(() => props.eventSourceArn);
  if (typeof arn === "string") {
    return /^arn:[^:]+:(kinesis|dynamodb):/.test(arn);
  }
  return props.startingPosition !== undefined && props.topics === undefined;
}

/** An ARN not known until the destination exists (a first preview) still is a destination. */
function hasDestination(props: Props): boolean {
  // known() gives undefined only for an unknown value; an absent one is read as null here.
  const arn = known(() => props.destinationConfig?.onFailure?.destinationArn ?? null);
  return arn === undefined || (typeof arn === "string" && arn !== "");
}

function mappingMessages(props: Props, name: string, c: MappingConfig): (string | undefined)[] {
  const who = subject("Event source mapping", name);
  const destination = hasDestination(props);
  return [
    checkRange({
      subject: who,
      field: "maximumRetryAttempts",
      value: props.maximumRetryAttempts,
      min: 0,
      max: c.maxRetryAttempts,
      defaultMeaning: "so AWS retries until the record expires (-1)",
    }),
    c.requireBisect ? checkRequiredTrue(who, "bisectBatchOnFunctionError", props.bisectBatchOnFunctionError) : undefined,
    // A record retried until it expires holds its shard up for a day; a bounded age sends it to the destination instead.
    checkRange({
      subject: who,
      field: "maximumRecordAgeInSeconds",
      value: props.maximumRecordAgeInSeconds,
      min: 60,
      max: c.maxRecordAgeSeconds,
      unit: " s",
      defaultMeaning: "so AWS retries a failing record until it expires from the stream (-1)",
    }),
    c.requireOnFailureDestination && !destination
      ? `${who} has no on-failure destination (destinationConfig.onFailure.destinationArn is not set); ` +
        "one is required so records that exhaust their retries are kept."
      : undefined,
  ];
}

function remediateMapping(props: Props, c: MappingConfig): Props | undefined {
  const current = props.maximumRetryAttempts ?? AWS_DEFAULTS.streamMappingMaxRetryAttempts;
  // -1 means "forever", so it clamps to the maximum, not the minimum.
  const retries = current === -1 ? c.maxRetryAttempts : clamp(current, 0, c.maxRetryAttempts);
  const bisect = c.requireBisect ? true : props.bisectBatchOnFunctionError;
  const currentAge = props.maximumRecordAgeInSeconds ?? AWS_DEFAULTS.streamMappingMaxRecordAgeSeconds;
  const age = currentAge === -1 ? c.maxRecordAgeSeconds : clamp(currentAge, 60, c.maxRecordAgeSeconds);
  if (retries === props.maximumRetryAttempts && bisect === props.bisectBatchOnFunctionError && age === props.maximumRecordAgeInSeconds) {
    return undefined;
  }
  props.maximumRetryAttempts = retries;
  props.maximumRecordAgeInSeconds = age;
  if (bisect !== undefined) props.bisectBatchOnFunctionError = bisect;
  return props;
}

export const eventSourceMappingFailureHandling: ResourceValidationPolicy = {
  name: "lambda-event-source-mapping-failure-handling",
  description: "Checks that stream event source mappings bound retries and record age, bisect failing batches and keep failed records.",
  enforcementLevel: "mandatory",
  configSchema: mappingSchema,
  validateResource: validateTypes([TYPES.eventSourceMapping], (props, args, report) => {
    if (!isStreamMapping(props)) {
      args.notApplicable("Only Kinesis and DynamoDB stream mappings support these settings");
    }
    const c = readConfig<MappingConfig>("lambda-event-source-mapping-failure-handling", args);
    for (const m of mappingMessages(props, args.name, c)) if (m) report(m);
  }),
  remediateResource: remediateTypes([TYPES.eventSourceMapping], (props, args) =>
    isStreamMapping(props)
      ? remediateMapping(props, readConfig<MappingConfig>("lambda-event-source-mapping-failure-handling", args))
      : undefined,
  ),
};
