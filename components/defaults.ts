/**
 * What CollectorApi and AnalyticsTables do with a setting their caller leaves out. The components
 * apply these; config.ts builds its DEFAULTS from them, so a stack file that sets nothing deploys
 * exactly what a component built without arguments would. No Pulumi imports: config.ts and the
 * tools read these without loading a provider.
 */
export type Architecture = "arm64" | "x86_64";
export type SdkRetryMode = "standard" | "adaptive" | "legacy";

export const ARCHITECTURES: readonly Architecture[] = ["arm64", "x86_64"];
export const SDK_RETRY_MODES: readonly SdkRetryMode[] = ["standard", "adaptive", "legacy"];

/** Both functions of CollectorApi (`args.functions`). */
export const FUNCTION_DEFAULTS = Object.freeze({
  memorySize: 256,
  timeoutSeconds: 10,
  architecture: "arm64" as Architecture,
  reservedConcurrency: -1,
  logRetentionDays: 30,
  eventRetentionDays: 90,
  sdkMaxAttempts: 3,
  sdkRetryMode: "standard" as SdkRetryMode,
  trustedProxyHops: 0,
});

/** CollectorApi's HTTP API and stage (`args.api`). */
export const API_DEFAULTS = Object.freeze({
  throttleRateLimit: 100,
  throttleBurstLimit: 200,
  corsOrigins: Object.freeze(["*"]) as readonly string[],
  integrationTimeoutMs: 12000,
});

/** AnalyticsTables. */
export const TABLE_DEFAULTS = Object.freeze({
  protectData: false,
});

/** What SNS accepts as an e-mail endpoint, checked by config.ts and by Observability alike. */
export const EMAIL_ADDRESS = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
