/**
 * The functions' environment in local mode, from the same builder the stack uses
 * (components/collector-api.ts) with the documented defaults of Pulumi.yaml, so local mode
 * never drifts from a deployed stack (it once kept 30 days of events where the stack keeps 90).
 * EVENT_RETENTION_DAYS, AWS_MAX_ATTEMPTS, AWS_RETRY_MODE and TRUSTED_PROXY_HOPS in the shell override the defaults.
 */
import { collectorEnvironment, realtimeEnvironment } from "../components/collector-api";
import { tableNamesFor } from "../contracts/tables";
import { projectDefaults } from "../scripts/lib/stack-file";
import { LOCAL_STACK } from "./settings";

export function localFunctionEnv(endpoint: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const defaults = projectDefaults();
  const tables = tableNamesFor(LOCAL_STACK);
  const settings = {
    stack: LOCAL_STACK,
    eventsTableName: tables.events,
    sessionsTableName: tables.sessions,
    activeSessionsTableName: tables.activeSessions,
    eventRetentionDays: Number(defaults.eventRetentionDays),
    sdkMaxAttempts: Number(defaults.sdkMaxAttempts),
    sdkRetryMode: String(defaults.sdkRetryMode),
    trustedProxyHops: Number(defaults.trustedProxyHops ?? 0),
  };
  // Passed on as typed, so the functions' own check names a bad value exactly as the user wrote it.
  const overrides: Record<string, string> = {};
  for (const name of ["EVENT_RETENTION_DAYS", "AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE", "TRUSTED_PROXY_HOPS"])
    if (env[name]) overrides[name] = env[name]!;
  return {
    // Both functions run in this one process, so they share one environment: the union of theirs.
    ...realtimeEnvironment(settings),
    ...collectorEnvironment(settings),
    ...overrides,
    AWS_REGION: env.AWS_REGION || "us-east-1",
    DYNAMODB_ENDPOINT: endpoint,
  };
}
