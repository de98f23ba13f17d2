/**
 * CollectorApi's contract: its args grouped by capability (tables, functions, API), each setting
 * documented with its default, and the one place those defaults are applied.
 */
import type * as pulumi from "@pulumi/pulumi";
import { API_DEFAULTS, type Architecture, FUNCTION_DEFAULTS, type SdkRetryMode } from "./defaults";

/** A table the functions use: its name reaches their environment and, with the account scope, their IAM policy. */
export interface TableRef {
  readonly name: pulumi.Input<string>;
}

/** The three tables of AnalyticsTables. */
export interface CollectorApiTables {
  readonly events: TableRef;
  readonly sessions: TableRef;
  readonly activeSessions: TableRef;
}

/** Settings shared by both functions; defaults in FUNCTION_DEFAULTS (components/defaults.ts). */
export interface CollectorApiFunctions {
  /** Lambda memory in MB. Default 256. */
  readonly memorySize?: pulumi.Input<number>;
  /** Lambda timeout in seconds. Default 10. */
  readonly timeoutSeconds?: pulumi.Input<number>;
  /** Instruction set. Default "arm64". */
  readonly architecture?: pulumi.Input<Architecture>;
  /** Reserved concurrency per function, -1 = unreserved. Default -1. */
  readonly reservedConcurrency?: pulumi.Input<number>;
  /** Retention of the function and access log groups. Default 30 days. */
  readonly logRetentionDays?: pulumi.Input<number>;
  /** EVENT_RETENTION_DAYS for the collector (TTL of Events and Sessions). Default 90. */
  readonly eventRetentionDays?: pulumi.Input<number>;
  /** AWS_MAX_ATTEMPTS. Default 3. */
  readonly sdkMaxAttempts?: pulumi.Input<number>;
  /** AWS_RETRY_MODE. Default "standard". */
  readonly sdkRetryMode?: pulumi.Input<SdkRetryMode>;
  /** Trusted proxies in front of the API (TRUSTED_PROXY_HOPS; X-Forwarded-For is ignored at 0). Default 0. */
  readonly trustedProxyHops?: pulumi.Input<number>;
}

/** The HTTP API and its stage; defaults in API_DEFAULTS (components/defaults.ts). */
export interface CollectorApiHttp {
  /** Stage steady-state rate limit (requests/s). Default 100. */
  readonly throttleRateLimit?: pulumi.Input<number>;
  /** Stage burst limit. Default 200. */
  readonly throttleBurstLimit?: pulumi.Input<number>;
  /** CORS allowed origins. Default ["*"]. */
  readonly corsOrigins?: pulumi.Input<pulumi.Input<string>[]>;
  /** Integration timeout in ms; keep it above the function timeout. Default 12000. */
  readonly integrationTimeoutMs?: pulumi.Input<number>;
}

export interface CollectorApiArgs {
  /** Stack name: function names are `LiveInsight-<stack>-collector` / `-realtime`; also ENVIRONMENT. */
  readonly stack: string;
  /** The tables the functions read and write. Required. */
  readonly tables: CollectorApiTables;
  /** Both functions' settings. Default: every FUNCTION_DEFAULTS value. */
  readonly functions?: CollectorApiFunctions;
  /** The API's settings. Default: every API_DEFAULTS value. */
  readonly api?: CollectorApiHttp;
}

export type Resolved<T> = { readonly [K in keyof T]-?: Exclude<T[K], undefined> };

/** The args with every default applied: what the private builders read. */
export interface ResolvedArgs {
  readonly stack: string;
  readonly tables: CollectorApiTables;
  readonly functions: Resolved<CollectorApiFunctions>;
  readonly api: Resolved<CollectorApiHttp>;
}

/** Defaults are applied here, once; nothing below reads FUNCTION_DEFAULTS or API_DEFAULTS. */
export function withDefaults(args: CollectorApiArgs): ResolvedArgs {
  const fn = args.functions ?? {};
  const api = args.api ?? {};
  return {
    stack: args.stack,
    tables: args.tables,
    functions: {
      memorySize: fn.memorySize ?? FUNCTION_DEFAULTS.memorySize,
      timeoutSeconds: fn.timeoutSeconds ?? FUNCTION_DEFAULTS.timeoutSeconds,
      architecture: fn.architecture ?? FUNCTION_DEFAULTS.architecture,
      reservedConcurrency: fn.reservedConcurrency ?? FUNCTION_DEFAULTS.reservedConcurrency,
      logRetentionDays: fn.logRetentionDays ?? FUNCTION_DEFAULTS.logRetentionDays,
      eventRetentionDays: fn.eventRetentionDays ?? FUNCTION_DEFAULTS.eventRetentionDays,
      sdkMaxAttempts: fn.sdkMaxAttempts ?? FUNCTION_DEFAULTS.sdkMaxAttempts,
      sdkRetryMode: fn.sdkRetryMode ?? FUNCTION_DEFAULTS.sdkRetryMode,
      trustedProxyHops: fn.trustedProxyHops ?? FUNCTION_DEFAULTS.trustedProxyHops,
    },
    api: {
      throttleRateLimit: api.throttleRateLimit ?? API_DEFAULTS.throttleRateLimit,
      throttleBurstLimit: api.throttleBurstLimit ?? API_DEFAULTS.throttleBurstLimit,
      corsOrigins: api.corsOrigins ?? [...API_DEFAULTS.corsOrigins],
      integrationTimeoutMs: api.integrationTimeoutMs ?? API_DEFAULTS.integrationTimeoutMs,
    },
  };
}
