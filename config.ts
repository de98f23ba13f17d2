/**
 * The one module that owns every `liveinsight:*` setting of a stack (Pulumi.<stack>.yaml): for
 * each, its rule (a zod schema), its default and its documentation text. Pulumi.yaml is generated
 * from this module (`npm run settings:write`; tests/config.test.ts fails when it drifts), local
 * mode takes its defaults from `DEFAULTS`, and the components take resolved, required values from
 * index.ts, so a setting has no default anywhere else.
 *
 * A value is rejected only when AWS itself would reject it (wrong type, memory outside
 * 128–10240 MB, a retention period CloudWatch does not offer, …), in one sentence naming key,
 * rule, value and stack file. Values that are legal but unwise pass unchanged: judging them is the
 * policy pack's job, and silently clamping would hide them. No Pulumi import: local mode and the
 * tools read the settings without loading the Pulumi SDK.
 */
import { z } from "zod/v4";
import { ARCHITECTURES } from "./components/collector-api-args";
import { EMAIL_ADDRESS } from "./components/metrics/alarms";
import { type AlarmThresholds, thresholdProblems } from "./components/metrics/thresholds";
import { SDK_RETRY_MODES } from "./contracts/function-env";
import { checkDefaultSite, parseSites, SITE_ID, SITE_ID_RULE, SITES_ENV_MAX_BYTES, type Site, sitesEnvValue } from "./contracts/sites";

export const CONFIG_NAMESPACE = "liveinsight";

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

/**
 * The site table (contracts/sites.ts owns the rules, shared with the collector that reads it
 * back). Its problems are sentences already ("sites[1] ("shop").hosts[0] must be …"). The table
 * travels in the collector's environment, whose 4 KB bound is checked here, at preview.
 */
const sites = z.unknown().transform((value, ctx): readonly Site[] => {
  try {
    const list = parseSites(fromJsonText(value));
    const bytes = Buffer.byteLength(sitesEnvValue(list));
    if (bytes > SITES_ENV_MAX_BYTES)
      throw new Error(
        `sites take ${bytes} bytes in the collector's environment (SITES); at most ${SITES_ENV_MAX_BYTES} fit Lambda's 4 KB of environment variables: list fewer hosts (a "*." wildcard covers every subdomain) or split the sites over stacks`,
      );
    return list;
  } catch (error) {
    ctx.addIssue({ code: "custom", message: (error as Error).message, params: { sentence: true } });
    return z.NEVER;
  }
});

const logRetentionDays = wholeNumber(0).refine((days) => LOG_RETENTION_DAYS.includes(days), {
  error: `must be a CloudWatch Logs retention period (${LOG_RETENTION_DAYS.join(", ")}; 0 = never expire)`,
});

/**
 * Every alarm threshold: its default and what it measures. Each is the highest acceptable value:
 * an alarm fires when a period's value exceeds it (GreaterThanThreshold) in `datapointsToAlarm`
 * of the last `evaluationPeriods` periods (components/metrics/alarms.ts).
 */
const THRESHOLDS: { readonly [K in keyof AlarmThresholds]: readonly [number, string] } = {
  collectorErrorRatePercent: [
    1,
    "5xx answers / requests * 100 per period, from each function's own request lines (metric filters Requests, ServerErrors); both functions",
  ],
  functionErrors: [0, "Sum of Lambda Errors (crashes, timeouts) per period, each function"],
  collectorP99DurationMs: [1000, "collector p99 Duration"],
  realtimeP99DurationMs: [1000, "realtime p99 Duration"],
  concurrencyPercent: [
    80,
    "each function's ConcurrentExecutions as % of reservedConcurrency (no alarm while the functions are unreserved); in (0, 100]",
  ],
  functionThrottles: [1, "Sum of Throttles per period, each function"],
  api5xxRatePercent: [1, "API 5xx / Count * 100 per period"],
  api4xxRatePercent: [10, "API 4xx / Count * 100 per period (429s included)"],
  apiThrottledRequests: [10, "Sum of 429 answers (stage throttling) per period, from the access log"],
  apiP99LatencyMs: [1500, "API p99 Latency"],
  tableThrottleEvents: [1, "Sum of Read/WriteThrottleEvents per period, each table"],
  processingErrors: [1, "Sum of LiveInsight ProcessingErrors per period"],
  eventsRejected: [100, "Sum of LiveInsight EventsRejected per period (a spike: broken client)"],
  droppedSharePercent: [
    5,
    "EventsDropped (all reasons) / (EventsProcessed + EventsDropped) * 100 per period: bots, foreign pages, unknown sites (docs/sites.md); in [0, 100]",
  ],
  archiveIteratorAgeMs: [
    600000,
    "archive lag: Maximum IteratorAge of the archiver's stream mapping (ms from a record's arrival in the stream to its delivery); keep it above archiveBatchingWindowSeconds",
  ],
  periodSeconds: [60, "a multiple of 60 (the metrics are standard resolution)"],
  evaluationPeriods: [5, 'N of "M of N" (N x period at most one day)'],
  datapointsToAlarm: [3, 'M of "M of N" (1..N)'],
};

type ThresholdName = keyof AlarmThresholds;
const THRESHOLD_NAMES = Object.keys(THRESHOLDS) as ThresholdName[];

export const DEFAULT_ALARM_THRESHOLDS: Readonly<AlarmThresholds> = Object.freeze(
  Object.fromEntries(THRESHOLD_NAMES.map((name) => [name, THRESHOLDS[name][0]])) as unknown as AlarmThresholds,
);

/** Each threshold's documentation text, for Pulumi.yaml's comment block. */
export const ALARM_THRESHOLD_DOCS: Readonly<Record<ThresholdName, string>> = Object.freeze(
  Object.fromEntries(THRESHOLD_NAMES.map((name) => [name, THRESHOLDS[name][1]])) as Record<ThresholdName, string>,
);

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
      Object.fromEntries(THRESHOLD_NAMES.map((name) => [name, numberSetting(0).optional()])) as Record<ThresholdName, ThresholdSchema>,
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

/** One setting: its rule, its default (applied by the schema) and its documentation. */
function setting<S extends z.ZodType>(schema: S, fallback: z.output<S>, description: string) {
  return { schema: schema.default(fallback as never) as z.ZodDefault<S>, default: fallback, description };
}

/** A setting that may be absent; Pulumi.yaml declares it with "" (the CLI cannot declare an optional string without a default). */
function optional<S extends z.ZodType>(schema: S, description: string) {
  return { schema, default: undefined, description };
}

/** Every `liveinsight:*` key, in the order an unknown key's message and Pulumi.yaml list them. */
const DEFINITIONS = {
  memorySize: setting(wholeNumber(128, 10240, " MB"), 256, "Lambda memory in MB for both functions (128-10240)."),
  timeoutSeconds: setting(wholeNumber(1, 900, " seconds"), 10, "Lambda timeout in seconds (1-900); keep it below integrationTimeoutMs."),
  architecture: setting(oneOf(ARCHITECTURES), "arm64", 'Lambda architecture, "arm64" or "x86_64".'),
  reservedConcurrency: setting(
    wholeNumber(-1),
    -1,
    "Reserved concurrency for each of the two functions; -1 leaves them unreserved. AWS keeps 100 of the account's quota unreserved, so 2 x this + 100 must fit it (npm run preflight checks; docs/deploy.md).",
  ),
  logRetentionDays: setting(
    logRetentionDays,
    30,
    "Retention of the Lambda and API access log groups, one of CloudWatch's periods (1, 3, 5, 7, 14, 30, 60, 90, ... 3653; 0 = never expire).",
  ),
  hotRetentionDays: setting(
    wholeNumber(1),
    7,
    "Days Events and Sessions items stay in DynamoDB, the hot tier (TTL on expires_at; HOT_RETENTION_DAYS); history is in the archive.",
  ),
  eventRetentionDays: setting(
    wholeNumber(1),
    90,
    "Days each event is kept in the Parquet archive on S3 (lifecycle expiry of the archive bucket's objects); keep it at least hotRetentionDays.",
  ),
  realtimePeakWriteUnits: setting(
    wholeNumber(1, 10000),
    1000,
    "Peak write units a second one site's realtime counters take (about one move per live session a minute, each a few units; docs/architecture.md). Above 1000, one DynamoDB partition's limit, the counters are split into ceil(value / 1000) shards and GET /realtime reads them all (7 items per shard) (REALTIME_PEAK_WRITE_UNITS).",
  ),
  sdkMaxAttempts: setting(wholeNumber(1), 3, "AWS SDK attempts per call, first try included (AWS_MAX_ATTEMPTS)."),
  sdkRetryMode: setting(
    oneOf(SDK_RETRY_MODES),
    "standard",
    `AWS SDK retry mode, ${SDK_RETRY_MODES.map((m) => `"${m}"`).join(", ")} (AWS_RETRY_MODE).`,
  ),
  throttleRateLimit: setting(numberSetting(0), 100, "API stage steady-state limit in requests per second."),
  throttleBurstLimit: setting(wholeNumber(0), 200, "API stage burst limit in requests."),
  corsOrigins: setting(
    corsOrigins,
    Object.freeze(["*"]),
    'Origins allowed by CORS besides those of the sites\' hosts (which are always allowed), "*" or scheme://host[:port] each.',
  ),
  alarmEmail: optional(
    optionalText(EMAIL_ADDRESS, "must be an e-mail address (SNS rejects anything else)"),
    "E-mail address subscribed to the alarm topic; empty for none.",
  ),
  protectData: setting(
    z.preprocess(fromBooleanText, z.boolean({ error: "must be true or false" })),
    false,
    "Point-in-time recovery, deletion protection and Pulumi protect on the tables.",
  ),
  integrationTimeoutMs: setting(
    wholeNumber(50, 30000, " ms"),
    12000,
    "API Gateway integration timeout in ms (50-30000); must exceed the function timeout.",
  ),
  trustedProxyHops: setting(
    wholeNumber(0, 10, " proxies"),
    0,
    "Proxies in front of the API (e.g. 1 for CloudFront) whose X-Forwarded-For entries are trusted (0-10); 0 uses API Gateway's source IP and ignores X-Forwarded-For.",
  ),
  // An ARN only: DynamoDB stores a table's key as its ARN, so an alias or bare id would show a diff on every preview.
  tableKmsKeyArn: optional(
    optionalText(
      KMS_KEY_ARN,
      "must be a KMS key ARN like arn:aws:kms:us-east-1:123456789012:key/<key id> (or empty for the AWS-owned key)",
    ),
    "Customer-managed KMS key ARN for the three tables; empty keeps DynamoDB's free AWS-owned key.",
  ),
  sites: setting(
    sites,
    Object.freeze([]) as readonly Site[],
    'The sites whose pages may send events: a list of {"id": "<3-40 of a-z 0-9 ->", "hosts": ["example.com", "*.example.com"], "allowServer": false} (docs/sites.md); none = every event is refused with UnknownSite.',
  ),
  defaultSite: optional(
    optionalText(SITE_ID, SITE_ID_RULE),
    "The site of an event that names no site_id; empty: such events are refused with UnknownSite. Must be the id of one of sites.",
  ),
  // Archive settings (components/history-archive.ts). The ranges are the ones AWS accepts: Lambda
  // CreateEventSourceMapping (BatchSize 1-10000 for DynamoDB streams, MaximumBatchingWindowInSeconds
  // 0-300, MaximumRetryAttempts -1-10000, MaximumRecordAgeInSeconds -1 or 60-604800) and Athena
  // WorkGroupConfiguration (BytesScannedCutoffPerQuery at least 10 MB).
  archiveBatchSize: setting(
    wholeNumber(1, 10000, " records"),
    1000,
    "Stream records per archiver invocation (1-10000); each invocation writes one Parquet object per day it touches.",
  ),
  archiveBatchingWindowSeconds: setting(
    wholeNumber(0, 300, " seconds"),
    30,
    "Seconds the stream mapping gathers records before invoking the archiver (0-300): the archive's lag floor and its objects per day.",
  ),
  archiveMaxRetryAttempts: setting(
    wholeNumber(-1, 10000),
    3,
    "Retries of a failing archiver batch before its records go to the failure queue (-1 = until they expire; the policy pack bounds it).",
  ),
  archiveMaxRecordAgeSeconds: setting(
    wholeNumber(-1, 604800, " seconds").refine((s) => s === -1 || s >= 60, { error: "must be -1 or between 60 and 604800 seconds" }),
    86400,
    "Oldest stream record the archiver is still given (-1 or 60-604800 s; the stream keeps records 24 h); older ones go to the failure queue, never silently away.",
  ),
  archiverMemorySize: setting(wholeNumber(128, 10240, " MB"), 512, "Memory in MB of the archiver function (128-10240)."),
  archiverTimeoutSeconds: setting(wholeNumber(1, 900, " seconds"), 60, "Timeout in seconds of the archiver function (1-900)."),
  compactionMemorySize: setting(wholeNumber(128, 10240, " MB"), 1024, "Memory in MB of the daily compaction function (128-10240)."),
  compactionTimeoutSeconds: setting(wholeNumber(1, 900, " seconds"), 300, "Timeout in seconds of the daily compaction function (1-900)."),
  athenaBytesScannedCutoffMb: setting(
    wholeNumber(10, 1073741824, " MB"),
    10240,
    "Athena workgroup: a query that would scan more than this many MB is cancelled (at least 10; $5 per TB scanned).",
  ),
  athenaResultRetentionDays: setting(
    wholeNumber(1),
    7,
    "Days Athena query results are kept in the workgroup's result bucket before its lifecycle deletes them.",
  ),
  alarmThresholds: setting(
    alarmThresholds,
    DEFAULT_ALARM_THRESHOLDS,
    "When each alarm fires; keys given in a stack file are merged over the defaults (listed in Pulumi.yaml's comment).",
  ),
};

export type SettingName = keyof typeof DEFINITIONS;

const SETTINGS = z.strictObject(
  Object.fromEntries(Object.entries(DEFINITIONS).map(([key, d]) => [key, d.schema])) as {
    [K in SettingName]: (typeof DEFINITIONS)[K]["schema"];
  },
);

export type ConfigSettings = Readonly<z.output<typeof SETTINGS>>;
export type StackConfig = Readonly<{ stack: string } & z.output<typeof SETTINGS>>;

/** Every default, as the schema applies it to a stack that sets nothing. */
export const DEFAULTS: ConfigSettings = Object.freeze(SETTINGS.parse({}));

/** Each setting's documentation text and default (undefined: none), in declaration order. */
export const SETTING_DOCS: Readonly<Record<SettingName, { readonly description: string; readonly default: unknown }>> = Object.freeze(
  Object.fromEntries(Object.entries(DEFINITIONS).map(([key, d]) => [key, { description: d.description, default: d.default }])) as Record<
    SettingName,
    { description: string; default: unknown }
  >,
);

/** Thrown for any invalid stack setting; `name` survives module reloads, unlike `instanceof`. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/**
 * The stack's `liveinsight:*` keys out of every config value the Pulumi runtime holds
 * (`pulumi.runtime.allConfig()`, keys `<namespace>:<key>`), validated.
 */
export function loadConfig(allConfig: Readonly<Record<string, string>>, stack: string): StackConfig {
  const prefix = `${CONFIG_NAMESPACE}:`;
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(allConfig)) {
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
  try {
    checkDefaultSite(parsed.data.defaultSite, parsed.data.sites);
  } catch (error) {
    throw new ConfigError(`${CONFIG_NAMESPACE}:${(error as Error).message} in Pulumi.${stack}.yaml`);
  }
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
