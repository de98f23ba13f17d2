/**
 * The functions' environment contract, the one place that knows it: every variable's name, how
 * the stack writes it from a resolved setting (CollectorApi, and local mode for its own process),
 * and how a function reads it back once per container. No defaults here: config.ts owns every
 * setting's default and the stack always writes every variable, so a missing one is an error that
 * names it, never a silent second default (functions/shared/env.ts once kept 30 days of events
 * where the stack said 90).
 *
 * Plain TypeScript without imports from outside contracts/: functions/ (bundled into Lambda),
 * components/, local/ and the policy pack all load it.
 */
import { checkDefaultSite, parseSites, type Site, SitesError, siteIdProblem, sitesEnvValue } from "./sites";
import { TABLE_ENV, type TableNames } from "./tables";

/** The AWS SDK's retry modes (AWS SDKs and Tools Reference Guide, "Retry behavior"). */
export const SDK_RETRY_MODES = ["standard", "adaptive", "legacy"] as const;
export type SdkRetryMode = (typeof SDK_RETRY_MODES)[number];

/** The stack settings (config.ts) that reach the functions' environment, resolved. */
export interface FunctionSettings {
  /** Days Events and Sessions items stay in DynamoDB (the hot tier); the archive keeps history. */
  readonly hotRetentionDays: number;
  readonly sdkMaxAttempts: number;
  readonly sdkRetryMode: SdkRetryMode;
  readonly trustedProxyHops: number;
  /** Peak write units a second of one site's realtime counters: decides their shards (contracts/realtime.ts). */
  readonly realtimePeakWriteUnits: number;
  /** The site table (contracts/sites.ts), read once per container. */
  readonly sites: readonly Site[];
  /** The site of an event without site_id; undefined: such an event is refused (UnknownSite). */
  readonly defaultSite?: string;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

type Reader<T> = (raw: string, name: string) => T;

const positiveInt: Reader<number> = (raw, name) => {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new ConfigError(`Environment variable ${name} must be a positive integer; got "${raw}".`);
  return value;
};

const nonNegativeInt: Reader<number> = (raw, name) => {
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value))
    throw new ConfigError(`Environment variable ${name} must be a whole number >= 0; got "${raw}".`);
  return value;
};

const oneOf =
  <T extends string>(allowed: readonly T[]): Reader<T> =>
  (raw, name) => {
    if (!(allowed as readonly string[]).includes(raw))
      throw new ConfigError(`Environment variable ${name} must be one of ${allowed.join(", ")}; got "${raw}".`);
    return raw as T;
  };

const siteTable: Reader<readonly Site[]> = (raw, name) => {
  try {
    // "*" hosts are local mode's: the stack's config.ts never lets one through to a deployed function.
    return parseSites(raw, { anyHost: true });
  } catch (error) {
    if (error instanceof SitesError) throw new ConfigError(`Environment variable ${name} is not a valid site table: ${error.message}.`);
    throw error;
  }
};

const optionalSiteId: Reader<string | undefined> = (raw, name) => {
  if (raw === "") return undefined;
  const problem = siteIdProblem(raw);
  if (problem) throw new ConfigError(`Environment variable ${name} ${problem}; got "${raw}".`);
  return raw;
};

interface Variable<T> {
  readonly name: string;
  readonly read: Reader<T>;
  /** How the stack writes the value; absent: `String(value)`. */
  readonly write?: (value: T) => string;
  /** An empty value is a value (no default site), not a missing variable. */
  readonly mayBeEmpty?: true;
}

/** Each setting's variable, its reader and (where not `String(value)`) its writer. */
export const SETTING_VARIABLES: { readonly [K in keyof FunctionSettings]-?: Variable<FunctionSettings[K]> } = {
  /** TTL of Events and Sessions items (the collector's expires_at): the hot tier's retention. */
  hotRetentionDays: { name: "HOT_RETENTION_DAYS", read: positiveInt },
  /** Read by the functions' DynamoDB client (and by the AWS SDK itself). */
  sdkMaxAttempts: { name: "AWS_MAX_ATTEMPTS", read: positiveInt },
  sdkRetryMode: { name: "AWS_RETRY_MODE", read: oneOf(SDK_RETRY_MODES) },
  /** X-Forwarded-For entries trusted in front of the API (0: API Gateway's source IP). */
  trustedProxyHops: { name: "TRUSTED_PROXY_HOPS", read: nonNegativeInt },
  /** The collector writes and the realtime reader reads the same shards: both read this one value. */
  realtimePeakWriteUnits: { name: "REALTIME_PEAK_WRITE_UNITS", read: positiveInt },
  /** Compact JSON of the sites; counts against Lambda's 4 KB of environment (config.ts checks at preview). */
  sites: { name: "SITES", read: siteTable, write: sitesEnvValue },
  defaultSite: { name: "DEFAULT_SITE", read: optionalSiteId, write: (id) => id ?? "", mayBeEmpty: true },
};

function writeSetting<K extends keyof FunctionSettings>(key: K, settings: FunctionSettings): string {
  const variable = SETTING_VARIABLES[key] as unknown as Variable<FunctionSettings[K]>;
  const value = settings[key] as FunctionSettings[K];
  return variable.write ? variable.write(value) : String(value);
}

const SETTING_KEYS = Object.keys(SETTING_VARIABLES) as (keyof FunctionSettings)[];

/** The tables each function uses: only those reach its environment (and its IAM policy). */
export const FUNCTION_TABLES = {
  collector: ["events", "sessions", "activeSessions"],
  realtime: ["activeSessions"],
} as const satisfies Record<string, readonly (keyof TableNames)[]>;
export type FunctionKind = keyof typeof FUNCTION_TABLES;

/** Just the function settings of a larger object (the stack config), so nothing else leaks into them. */
export function functionSettingsOf(source: FunctionSettings): FunctionSettings {
  return Object.fromEntries(SETTING_KEYS.map((key) => [key, source[key]])) as unknown as FunctionSettings;
}

/**
 * Pure: one function's environment. Every setting reaches both functions (one contract, one
 * reader); tables only where the function uses them. DYNAMODB_ENDPOINT is local mode's alone.
 */
export function functionEnvironment(
  kind: FunctionKind,
  stack: string,
  tables: Readonly<Partial<TableNames>>,
  settings: FunctionSettings,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const table of FUNCTION_TABLES[kind]) {
    const name = tables[table];
    if (name === undefined) throw new Error(`The ${kind} function needs the ${table} table's name.`);
    env[TABLE_ENV[table]] = name;
  }
  env.ENVIRONMENT = stack;
  for (const key of SETTING_KEYS) env[SETTING_VARIABLES[key].name] = writeSetting(key, settings);
  return env;
}

/** What a function reads from its environment. */
export type FunctionEnv = FunctionSettings & {
  readonly environment: string;
  readonly tables: TableNames;
  /** Local mode only: a DynamoDB-compatible endpoint such as dynalite. */
  readonly endpoint?: string;
  readonly region: string;
};

type Env = Record<string, string | undefined>;

function required(env: Env, name: string): string {
  const value = env[name];
  if (!value) throw new ConfigError(`Environment variable ${name} is required but not set; the stack sets it on the function.`);
  return value;
}

/**
 * Reads and checks a function's environment, naming the first missing or bad variable. `needs`
 * names the tables the function uses; only those are required.
 */
export function readFunctionEnv(env: Env, needs: readonly (keyof TableNames)[]): FunctionEnv {
  const table = (key: keyof TableNames) => (needs.includes(key) ? required(env, TABLE_ENV[key]) : (env[TABLE_ENV[key]] ?? ""));
  const tables = { events: table("events"), sessions: table("sessions"), activeSessions: table("activeSessions") };
  const settings = Object.fromEntries(
    SETTING_KEYS.map((key) => {
      const { name, read, mayBeEmpty } = SETTING_VARIABLES[key] as Variable<unknown>;
      const raw = mayBeEmpty && env[name] === "" ? "" : required(env, name);
      return [key, read(raw, name)];
    }),
  ) as unknown as FunctionSettings;
  try {
    checkDefaultSite(settings.defaultSite, settings.sites);
  } catch (error) {
    throw new ConfigError(`Environment variable DEFAULT_SITE names no site of SITES: ${(error as Error).message}.`);
  }
  return {
    ...settings,
    environment: env.ENVIRONMENT || "unknown",
    tables,
    endpoint: env.DYNAMODB_ENDPOINT || undefined,
    // Lambda sets AWS_REGION; the fallback serves local mode and tests, which never reach AWS.
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || "us-east-1",
  };
}
