import { TABLE_ENV, type TableNames } from "../../contracts/tables";

export interface FunctionEnv {
  environment: string;
  tables: TableNames;
  retentionDays: number;
  maxAttempts: number;
  retryMode: "standard" | "adaptive" | "legacy";
  /** Local mode only: a DynamoDB-compatible endpoint such as dynalite. */
  endpoint?: string;
  region: string;
  /** Trusted proxies in front of the API (TRUSTED_PROXY_HOPS, default 0: X-Forwarded-For is ignored). */
  trustedProxyHops: number;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

type Env = Record<string, string | undefined>;

function required(env: Env, name: string): string {
  const value = env[name];
  if (!value) throw new ConfigError(`Environment variable ${name} is required but not set; the stack sets it on the function.`);
  return value;
}

function positiveInt(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new ConfigError(`Environment variable ${name} must be a positive integer; got "${raw}".`);
  return value;
}

function nonNegativeInt(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value))
    throw new ConfigError(`Environment variable ${name} must be a whole number >= 0; got "${raw}".`);
  return value;
}

const RETRY_MODES = ["standard", "adaptive", "legacy"] as const;

/**
 * Reads and checks the function's configuration once per container. `needs` names the tables
 * the function uses; only those are required.
 */
export function readEnv(env: Env, needs: readonly (keyof TableNames)[]): FunctionEnv {
  const table = (key: keyof TableNames) => (needs.includes(key) ? required(env, TABLE_ENV[key]) : (env[TABLE_ENV[key]] ?? ""));
  const retryMode = env.AWS_RETRY_MODE || "standard";
  if (!(RETRY_MODES as readonly string[]).includes(retryMode))
    throw new ConfigError(`Environment variable AWS_RETRY_MODE must be one of ${RETRY_MODES.join(", ")}; got "${retryMode}".`);
  return {
    environment: env.ENVIRONMENT || "unknown",
    tables: { events: table("events"), sessions: table("sessions"), activeSessions: table("activeSessions") },
    retentionDays: positiveInt(env, "EVENT_RETENTION_DAYS", 30),
    maxAttempts: positiveInt(env, "AWS_MAX_ATTEMPTS", 3),
    retryMode: retryMode as FunctionEnv["retryMode"],
    endpoint: env.DYNAMODB_ENDPOINT || undefined,
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || "us-east-1",
    trustedProxyHops: nonNegativeInt(env, "TRUSTED_PROXY_HOPS", 0),
  };
}
