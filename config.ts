/**
 * The one typed view of a stack's `liveinsight:*` configuration (Pulumi.<stack>.yaml).
 *
 * Defaults live in `DEFAULTS` only (Pulumi.yaml repeats them for the CLI, and a test keeps the two
 * equal). A value is rejected only when AWS itself would reject it (wrong type, memory outside
 * 128–10240 MB, a retention period CloudWatch does not offer, …). Values that are legal but unwise
 * pass unchanged: judging them is the policy pack's job, and silently clamping would hide them.
 */
import * as pulumi from "@pulumi/pulumi";
import { AlarmThresholds, thresholdProblems } from "./components/metrics/thresholds";

export const CONFIG_NAMESPACE = "liveinsight";

export type Architecture = "arm64" | "x86_64";
export type SdkRetryMode = "standard" | "adaptive" | "legacy";

export type { AlarmThresholds };

export interface StackConfig {
  readonly stack: string;
  /** Lambda memory in MB (both functions). */
  readonly memorySize: number;
  /** Lambda timeout in seconds (both functions). */
  readonly timeoutSeconds: number;
  readonly architecture: Architecture;
  /** Reserved concurrency per function; -1 = unreserved. */
  readonly reservedConcurrency: number;
  /** Retention of the Lambda and access log groups; 0 = never expire. */
  readonly logRetentionDays: number;
  /** Events and Sessions items expire this many days after their timestamp (DynamoDB TTL). */
  readonly eventRetentionDays: number;
  readonly sdkMaxAttempts: number;
  readonly sdkRetryMode: SdkRetryMode;
  /** API stage steady-state requests per second. */
  readonly throttleRateLimit: number;
  /** API stage burst bucket size. */
  readonly throttleBurstLimit: number;
  readonly corsOrigins: readonly string[];
  /** Where alarm notifications go; absent = topic without subscription. */
  readonly alarmEmail?: string;
  /** PITR, deletion protection and Pulumi `protect` on the tables. */
  readonly protectData: boolean;
  /** API Gateway integration timeout; should exceed the function timeout. */
  readonly integrationTimeoutMs: number;
  /**
   * Proxies in front of the API whose X-Forwarded-For entries are trusted (e.g. 1 for CloudFront).
   * 0: the client is API Gateway's source IP and X-Forwarded-For is ignored (SPEC §4).
   */
  readonly trustedProxyHops: number;
  /** Customer-managed KMS key ARN for the tables; absent = DynamoDB's free AWS-owned key. */
  readonly tableKmsKeyArn?: string;
  readonly alarmThresholds: Readonly<AlarmThresholds>;
}

export type ConfigSettings = Omit<StackConfig, "stack">;

export const DEFAULT_ALARM_THRESHOLDS: Readonly<AlarmThresholds> = Object.freeze({
  collectorErrorRatePercent: 1,
  functionErrors: 0,
  collectorP99DurationMs: 1000,
  realtimeP99DurationMs: 1000,
  collectorConcurrencyPercent: 80,
  functionThrottles: 1,
  api5xxRatePercent: 1,
  api4xxRatePercent: 10,
  apiThrottledRequests: 10,
  apiP99LatencyMs: 1500,
  tableThrottleEvents: 1,
  processingErrors: 1,
  eventsRejected: 100,
  periodSeconds: 60,
  evaluationPeriods: 5,
  datapointsToAlarm: 3,
});

/** Every default, in one place. */
export const DEFAULTS: Readonly<ConfigSettings> = Object.freeze({
  memorySize: 256,
  timeoutSeconds: 10,
  architecture: "arm64",
  reservedConcurrency: -1,
  logRetentionDays: 30,
  eventRetentionDays: 90,
  sdkMaxAttempts: 3,
  sdkRetryMode: "standard",
  throttleRateLimit: 100,
  throttleBurstLimit: 200,
  corsOrigins: Object.freeze(["*"]),
  alarmEmail: undefined,
  protectData: false,
  integrationTimeoutMs: 12000,
  trustedProxyHops: 0,
  tableKmsKeyArn: undefined,
  alarmThresholds: DEFAULT_ALARM_THRESHOLDS,
});

/** The retention periods CloudWatch Logs accepts; 0 means "never expire" to the AWS provider. */
export const LOG_RETENTION_DAYS: readonly number[] = [
  0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

// A key id is a UUID, or `mrk-` + 32 hex digits for a multi-Region key (KMS Developer Guide, "Key identifiers").
const KMS_KEY_ARN = /^arn:aws(-cn|-us-gov)?:kms:[a-z]{2}(-[a-z]+)+-\d:\d{12}:key\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;

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
 * Keys are given without the `liveinsight:` prefix.
 */
export function parseConfig(raw: Record<string, unknown>, stack: string): StackConfig {
  const read = new SettingReader(raw, `Pulumi.${stack}.yaml`);
  read.rejectUnknownKeys(Object.keys(DEFAULTS));
  return Object.freeze({
    stack,
    memorySize: read.integer("memorySize", 128, 10240, " MB"),
    timeoutSeconds: read.integer("timeoutSeconds", 1, 900, " seconds"),
    architecture: read.oneOf<Architecture>("architecture", ["arm64", "x86_64"]),
    reservedConcurrency: read.integer("reservedConcurrency", -1),
    logRetentionDays: read.retentionDays("logRetentionDays"),
    eventRetentionDays: read.integer("eventRetentionDays", 1),
    sdkMaxAttempts: read.integer("sdkMaxAttempts", 1),
    sdkRetryMode: read.oneOf<SdkRetryMode>("sdkRetryMode", ["standard", "adaptive", "legacy"]),
    throttleRateLimit: read.number("throttleRateLimit", 0),
    throttleBurstLimit: read.integer("throttleBurstLimit", 0),
    corsOrigins: read.origins("corsOrigins"),
    alarmEmail: read.email("alarmEmail"),
    protectData: read.boolean("protectData"),
    integrationTimeoutMs: read.integer("integrationTimeoutMs", 50, 30000, " ms"),
    trustedProxyHops: read.integer("trustedProxyHops", 0, 10, " proxies"),
    tableKmsKeyArn: read.kmsKeyArn("tableKmsKeyArn"),
    alarmThresholds: read.thresholds("alarmThresholds"),
  });
}

type Key = keyof ConfigSettings;

/** Coerces and checks one setting at a time; every failure names key, allowed range, value and file. */
class SettingReader {
  constructor(
    private readonly raw: Record<string, unknown>,
    private readonly source: string,
  ) {}

  rejectUnknownKeys(known: string[]): void {
    for (const key of Object.keys(this.raw)) {
      if (!known.includes(key)) {
        throw new ConfigError(
          `${CONFIG_NAMESPACE}:${key} is not a LiveInsight setting (known: ${known.join(", ")}); ` +
            `check its spelling in ${this.source}`,
        );
      }
    }
  }

  integer(key: Key, min: number, max?: number, unit = ""): number {
    return this.numeric(key, this.value(key), { min, max, unit, integer: true });
  }

  number(key: Key, min: number): number {
    return this.numeric(key, this.value(key), { min, unit: "", integer: false });
  }

  oneOf<T extends string>(key: Key, allowed: readonly T[]): T {
    const value = this.value(key);
    if (typeof value !== "string" || !allowed.includes(value as T)) {
      this.fail(key, `must be one of ${allowed.map((a) => `"${a}"`).join(", ")}`, value);
    }
    return value as T;
  }

  retentionDays(key: Key): number {
    const days = this.integer(key, 0);
    if (!LOG_RETENTION_DAYS.includes(days)) {
      this.fail(key, `must be a CloudWatch Logs retention period (${LOG_RETENTION_DAYS.join(", ")}; 0 = never expire)`, days);
    }
    return days;
  }

  boolean(key: Key): boolean {
    const value = this.value(key);
    if (value === true || value === "true") return true;
    if (value === false || value === "false") return false;
    return this.fail(key, "must be true or false", value);
  }

  origins(key: Key): readonly string[] {
    const list = parseJsonText(this.value(key));
    if (!Array.isArray(list)) this.fail(key, "must be a list of origins", list);
    for (const origin of list as unknown[]) {
      // API Gateway accepts "*" or scheme://host[:port] (a "*." subdomain wildcard is allowed).
      if (typeof origin !== "string" || !(origin === "*" || /^https?:\/\/(\*\.)?[A-Za-z0-9.-]+(:\d{1,5})?$/.test(origin))) {
        this.fail(key, 'must list "*" or origins like "https://www.example.com" (scheme and host, no path)', origin);
      }
    }
    return Object.freeze([...(list as string[])]);
  }

  email(key: Key): string | undefined {
    const value = this.value(key);
    if (value === undefined || value === "") return undefined;
    if (typeof value !== "string" || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value)) {
      this.fail(key, "must be an e-mail address (SNS rejects anything else)", value);
    }
    return value as string;
  }

  /** DynamoDB stores a table's key as its ARN; an alias or bare id would show a diff on every preview. */
  kmsKeyArn(key: Key): string | undefined {
    const value = this.value(key);
    if (value === undefined || value === "") return undefined;
    if (typeof value !== "string" || !KMS_KEY_ARN.test(value)) {
      this.fail(key, "must be a KMS key ARN like arn:aws:kms:us-east-1:123456789012:key/<key id> (or empty for the AWS-owned key)", value);
    }
    return value as string;
  }

  thresholds(key: Key): Readonly<AlarmThresholds> {
    const given = parseJsonText(this.raw[key] ?? {});
    if (given === null || typeof given !== "object" || Array.isArray(given)) this.fail(key, "must be an object", given);
    const merged: Record<string, number> = { ...DEFAULT_ALARM_THRESHOLDS };
    for (const [name, value] of Object.entries(given as Record<string, unknown>)) {
      if (!(name in merged)) {
        this.fail(key, `has no threshold "${name}" (known: ${Object.keys(merged).join(", ")})`, value);
      }
      merged[name] = this.numeric(`${key}.${name}`, value, { min: 0, unit: "", integer: false });
    }
    return Object.freeze(this.checkEvaluation(merged as unknown as AlarmThresholds));
  }

  /** CloudWatch's limits on period and "M of N" evaluation: one rule set, shared with Observability. */
  private checkEvaluation(t: AlarmThresholds): AlarmThresholds {
    const [problem] = thresholdProblems(t);
    if (problem) throw new ConfigError(`${CONFIG_NAMESPACE}:${problem} in ${this.source}`);
    return t;
  }

  private numeric(key: string, value: unknown, rule: { min: number; max?: number; unit: string; integer: boolean }): number {
    const n = typeof value === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value;
    const kind = rule.integer ? "a whole number" : "a number";
    if (typeof n !== "number" || !Number.isFinite(n) || (rule.integer && !Number.isInteger(n))) {
      this.fail(key, `must be ${kind}`, value);
    }
    const num = n as number;
    if (rule.max !== undefined && (num < rule.min || num > rule.max)) {
      this.fail(key, `must be between ${rule.min} and ${rule.max}${rule.unit}`, num);
    }
    if (num < rule.min) this.fail(key, `must be at least ${rule.min}${rule.unit}`, num);
    return num;
  }

  private value(key: Key): unknown {
    const value = this.raw[key];
    return value === undefined || value === null ? DEFAULTS[key] : value;
  }

  private fail(key: string, rule: string, value: unknown): never {
    throw new ConfigError(`${CONFIG_NAMESPACE}:${key} ${rule}; got ${JSON.stringify(value)} in ${this.source}`);
  }
}

/** Pulumi hands lists and objects to programs as JSON text; typed callers pass them as they are. */
function parseJsonText(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
