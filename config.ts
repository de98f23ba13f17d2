/**
 * The one typed view of a stack's `liveinsight:*` configuration (Pulumi.<stack>.yaml): a zod
 * schema, the types inferred from it, and one translation of zod's first issue into the sentence
 * a stack file's author reads (key, rule, value, file).
 *
 * Defaults belong to the components (components/defaults.ts, components/metrics/thresholds.ts);
 * the schema applies them, and `DEFAULTS` is what it makes of an empty stack (Pulumi.yaml repeats
 * them for the CLI, and a test keeps the two equal). A value is rejected only when AWS itself would
 * reject it (wrong type, memory outside 128–10240 MB, a retention period CloudWatch does not
 * offer, …). Values that are legal but unwise pass unchanged: judging them is the policy pack's
 * job, and silently clamping would hide them.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod/v4";
import { API_DEFAULTS, ARCHITECTURES, EMAIL_ADDRESS, FUNCTION_DEFAULTS, SDK_RETRY_MODES, TABLE_DEFAULTS } from "./components/defaults";
import { type AlarmThresholds, DEFAULT_ALARM_THRESHOLDS, thresholdProblems } from "./components/metrics/thresholds";

export const CONFIG_NAMESPACE = "liveinsight";

export { DEFAULT_ALARM_THRESHOLDS };

/** The retention periods CloudWatch Logs accepts; 0 means "never expire" to the AWS provider. */
const LOG_RETENTION_DAYS: readonly number[] = [
  0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

// A key id is a UUID, or `mrk-` + 32 hex digits for a multi-Region key (KMS Developer Guide, "Key identifiers").
const KMS_KEY_ARN =
  /^arn:aws(-cn|-us-gov)?:kms:[a-z]{2}(-[a-z]+)+-\d:\d{12}:key\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;
// API Gateway accepts "*" or scheme://host[:port] (a "*." subdomain wildcard is allowed).
const CORS_ORIGIN = /^https?:\/\/(\*\.)?[A-Za-z0-9.-]+(:\d{1,5})?$/;

// The Pulumi runtime hands every value to a program as text: numbers and booleans as their
// spelling, lists and objects as JSON. Typed callers (tests, tools) pass them as they are.
// Only plain decimal text is a number, so "" or "0x10" stay errors (z.coerce would take both).
const NUMERIC_TEXT = /^\s*-?\d+(\.\d+)?\s*$/;
const fromNumericText = (value: unknown) => (typeof value === "string" && NUMERIC_TEXT.test(value) ? Number(value) : value);
const fromBooleanText = (value: unknown) => (value === "true" ? true : value === "false" ? false : value);
const emptyAsAbsent = (value: unknown) => (value === "" ? undefined : value);
function fromJsonText(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** A number from `min` (up to `max`); each message is the rule that follows the key. */
function numberSetting(min: number, rule: { max?: number; unit?: string; integer?: boolean } = {}) {
  const kind = rule.integer ? "must be a whole number" : "must be a number";
  const unit = rule.unit ?? "";
  const range = rule.max === undefined ? `must be at least ${min}${unit}` : `must be between ${min} and ${rule.max}${unit}`;
  let n = z.number({ error: kind });
  if (rule.integer) n = n.int({ error: kind });
  n = n.min(min, { error: range });
  if (rule.max !== undefined) n = n.max(rule.max, { error: range });
  return z.preprocess(fromNumericText, n);
}

const wholeNumber = (min: number, max?: number, unit?: string) => numberSetting(min, { max, unit, integer: true });

function oneOf<T extends string>(allowed: readonly T[]) {
  return z.enum(allowed as [T, ...T[]], { error: `must be one of ${allowed.map((a) => `"${a}"`).join(", ")}` });
}

/** Absent or "" (the CLI cannot declare an optional string without a default) → undefined. */
function optionalText(pattern: RegExp, rule: string) {
  return z.preprocess(emptyAsAbsent, z.string({ error: rule }).regex(pattern, { error: rule }).optional());
}

const ORIGIN_RULE = 'must list "*" or origins like "https://www.example.com" (scheme and host, no path)';
const corsOrigins = z
  .preprocess(
    fromJsonText,
    z.array(
      z.string({ error: ORIGIN_RULE }).refine((o) => o === "*" || CORS_ORIGIN.test(o), { error: ORIGIN_RULE }),
      { error: "must be a list of origins" },
    ),
  )
  .transform((list): readonly string[] => Object.freeze([...list]));

const logRetentionDays = wholeNumber(0).refine((days) => LOG_RETENTION_DAYS.includes(days), {
  error: `must be a CloudWatch Logs retention period (${LOG_RETENTION_DAYS.join(", ")}; 0 = never expire)`,
});

const THRESHOLD_NAMES = Object.keys(DEFAULT_ALARM_THRESHOLDS) as (keyof AlarmThresholds)[];
type ThresholdSchema = z.ZodOptional<ReturnType<typeof numberSetting>>;

/**
 * Given thresholds merged over the defaults key by key, then CloudWatch's limits on period and
 * "M of N" evaluation: one rule set (thresholdProblems), shared with Observability. Its problems
 * are whole sentences already, so they are marked to be reported as they are.
 */
const alarmThresholds = z
  .preprocess(
    fromJsonText,
    z.strictObject(
      Object.fromEntries(THRESHOLD_NAMES.map((name) => [name, numberSetting(0).optional()])) as Record<
        keyof AlarmThresholds,
        ThresholdSchema
      >,
      {
        error: (issue) =>
          issue.code === "unrecognized_keys"
            ? `has no threshold "${issue.keys[0]}" (known: ${THRESHOLD_NAMES.join(", ")})`
            : "must be an object",
      },
    ),
  )
  .transform((given): AlarmThresholds => ({ ...DEFAULT_ALARM_THRESHOLDS, ...given }))
  .superRefine((thresholds, ctx) => {
    const [problem] = thresholdProblems(thresholds);
    if (problem) ctx.addIssue({ code: "custom", message: problem, params: { sentence: true } });
  })
  .transform((thresholds): Readonly<AlarmThresholds> => Object.freeze(thresholds));

/** Every `liveinsight:*` key, in the order an unknown key's message lists them. */
const SETTINGS = z.strictObject({
  /** Lambda memory in MB (both functions). */
  memorySize: wholeNumber(128, 10240, " MB").default(FUNCTION_DEFAULTS.memorySize),
  /** Lambda timeout in seconds (both functions). */
  timeoutSeconds: wholeNumber(1, 900, " seconds").default(FUNCTION_DEFAULTS.timeoutSeconds),
  architecture: oneOf(ARCHITECTURES).default(FUNCTION_DEFAULTS.architecture),
  /** Reserved concurrency per function; -1 = unreserved. */
  reservedConcurrency: wholeNumber(-1).default(FUNCTION_DEFAULTS.reservedConcurrency),
  /** Retention of the Lambda and access log groups; 0 = never expire. */
  logRetentionDays: logRetentionDays.default(FUNCTION_DEFAULTS.logRetentionDays),
  /** Events and Sessions items expire this many days after their timestamp (DynamoDB TTL). */
  eventRetentionDays: wholeNumber(1).default(FUNCTION_DEFAULTS.eventRetentionDays),
  sdkMaxAttempts: wholeNumber(1).default(FUNCTION_DEFAULTS.sdkMaxAttempts),
  sdkRetryMode: oneOf(SDK_RETRY_MODES).default(FUNCTION_DEFAULTS.sdkRetryMode),
  /** API stage steady-state requests per second. */
  throttleRateLimit: numberSetting(0).default(API_DEFAULTS.throttleRateLimit),
  /** API stage burst bucket size. */
  throttleBurstLimit: wholeNumber(0).default(API_DEFAULTS.throttleBurstLimit),
  corsOrigins: corsOrigins.default(API_DEFAULTS.corsOrigins),
  /** Where alarm notifications go; absent = topic without subscription. */
  alarmEmail: optionalText(EMAIL_ADDRESS, "must be an e-mail address (SNS rejects anything else)"),
  /** PITR, deletion protection and Pulumi `protect` on the tables. */
  protectData: z.preprocess(fromBooleanText, z.boolean({ error: "must be true or false" })).default(TABLE_DEFAULTS.protectData),
  /** API Gateway integration timeout; should exceed the function timeout. */
  integrationTimeoutMs: wholeNumber(50, 30000, " ms").default(API_DEFAULTS.integrationTimeoutMs),
  /**
   * Proxies in front of the API whose X-Forwarded-For entries are trusted (e.g. 1 for CloudFront).
   * 0: the client is API Gateway's source IP and X-Forwarded-For is ignored (docs/api.md).
   */
  trustedProxyHops: wholeNumber(0, 10, " proxies").default(FUNCTION_DEFAULTS.trustedProxyHops),
  /**
   * Customer-managed KMS key ARN for the tables; absent = DynamoDB's free AWS-owned key. An ARN
   * only: DynamoDB stores a table's key as its ARN, so an alias or bare id would show a diff on every preview.
   */
  tableKmsKeyArn: optionalText(
    KMS_KEY_ARN,
    "must be a KMS key ARN like arn:aws:kms:us-east-1:123456789012:key/<key id> (or empty for the AWS-owned key)",
  ),
  alarmThresholds: alarmThresholds.default(DEFAULT_ALARM_THRESHOLDS),
});

export type ConfigSettings = Readonly<z.output<typeof SETTINGS>>;
export type StackConfig = Readonly<{ stack: string } & z.output<typeof SETTINGS>>;

/** Every default, as the schema applies it to a stack that sets nothing. */
export const DEFAULTS: ConfigSettings = Object.freeze(SETTINGS.parse({}));

/** Thrown for any invalid stack setting; `name` survives module reloads, unlike `instanceof`. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** Reads the stack's `liveinsight:*` keys from the Pulumi runtime and validates them. */
export function loadConfig(cfg = new pulumi.Config(CONFIG_NAMESPACE), stack = pulumi.getStack()): StackConfig {
  const prefix = `${cfg.name}:`;
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (key.startsWith(prefix)) raw[key.slice(prefix.length)] = value;
  }
  return parseConfig(raw, stack);
}

/**
 * Pure: raw values (typed, or strings as the Pulumi runtime hands them over) → StackConfig.
 * Keys are given without the `liveinsight:` prefix; an absent or null value takes the default.
 */
export function parseConfig(raw: Record<string, unknown>, stack: string): StackConfig {
  const given = Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== undefined && value !== null));
  const parsed = SETTINGS.safeParse(given, { reportInput: true });
  if (!parsed.success) throw configError(parsed.error.issues, `Pulumi.${stack}.yaml`);
  return Object.freeze({ stack, ...parsed.data });
}

/**
 * zod's issues → the one sentence the stack file's author needs. A misspelt key is reported before
 * anything else, since the values around it may be fine once it is fixed.
 */
function configError(issues: readonly z.core.$ZodIssue[], source: string): ConfigError {
  const unknown = issues.find((i) => i.code === "unrecognized_keys" && i.path.length === 0);
  if (unknown?.code === "unrecognized_keys") {
    const known = Object.keys(SETTINGS.shape).join(", ");
    return new ConfigError(
      `${CONFIG_NAMESPACE}:${unknown.keys[0]} is not a LiveInsight setting (known: ${known}); check its spelling in ${source}`,
    );
  }
  const issue = issues[0]!;
  if (issue.code === "custom" && issue.params?.sentence) return new ConfigError(`${CONFIG_NAMESPACE}:${issue.message} in ${source}`);
  // A list element's index is left out: the message names the list and quotes the element.
  const key = issue.path.filter((p) => typeof p === "string").join(".");
  const got = issue.code === "unrecognized_keys" ? (issue.input as Record<string, unknown>)[issue.keys[0]!] : issue.input;
  return new ConfigError(`${CONFIG_NAMESPACE}:${key} ${issue.message}; got ${JSON.stringify(got)} in ${source}`);
}
