// Stack profiles: the thresholds a policy uses for every setting the policy config does not set.
// The prod profile equals policy/config/prod.json and the dev profile policy/config/dev.json
// (tests/policy/profiles.test.ts holds them together), so `pulumi preview --policy-pack policy`
// without --policy-pack-config judges a stack as its committed config file would.

import { SDK_RETRY_MODES } from "../../contracts/function-env";

export type ProfileName = "dev" | "prod";

/** The stack tag that names the profile outright. */
export const ENVIRONMENT_TAG = "liveinsight:environment";

type Thresholds = Record<string, Record<string, unknown>>;

export const PROFILES: Record<ProfileName, Thresholds> = {
  dev: {
    "lambda-function-memory-range": {
      minMemoryMb: 128,
      maxMemoryMb: 3008,
      minBatchMemoryMb: 128,
      maxBatchMemoryMb: 3008,
      minQueryMemoryMb: 128,
      maxQueryMemoryMb: 3008,
    },
    "lambda-function-timeout-range": {
      minTimeoutSeconds: 1,
      maxTimeoutSeconds: 29,
      minBatchTimeoutSeconds: 1,
      maxBatchTimeoutSeconds: 900,
      minQueryTimeoutSeconds: 1,
      maxQueryTimeoutSeconds: 29,
    },
    "lambda-function-timeout-below-integration": { defaultIntegrationTimeoutMs: 30000 },
    "lambda-function-sdk-retry-env": { minAttempts: 1, maxAttempts: 10, allowedRetryModes: [...SDK_RETRY_MODES] },
    "lambda-function-event-invoke-config": { maxRetryAttempts: 2, maxEventAgeSeconds: 21600 },
    "lambda-event-source-mapping-failure-handling": {
      maxRetryAttempts: 10,
      requireBisect: true,
      requireOnFailureDestination: false,
      maxRecordAgeSeconds: 86400,
    },
    "lambda-function-errors-alarm": { requireAlarmActions: false },
    "cloudwatch-log-group-retention": { minRetentionDays: 1, maxRetentionDays: 30 },
    "dynamodb-table-data-protection": { requirePointInTimeRecovery: false, requireDeletionProtection: false, requireProtect: false },
    "apigatewayv2-stage-throttling": { minRateLimit: 1, maxRateLimit: 1000, minBurstLimit: 1, maxBurstLimit: 2000 },
    "iam-policy-no-wildcards": { allowedResourceWildcardActions: [] },
    "apigatewayv2-api-cors-no-wildcard": { allowAnyOrigin: true },
    "s3-bucket-protections": { requireLifecycleExpiration: true },
    "athena-workgroup-enforcement": { maxBytesScannedCutoffMb: 10240 },
  },
  prod: {
    "lambda-function-memory-range": {
      minMemoryMb: 256,
      maxMemoryMb: 3008,
      minBatchMemoryMb: 256,
      maxBatchMemoryMb: 3008,
      minQueryMemoryMb: 256,
      maxQueryMemoryMb: 3008,
    },
    // 11 s: the collector API's integrations time out at 12 s, so a timeout clamped into this range
    // also satisfies lambda-function-timeout-below-integration. Query functions (the stats
    // function, on an API of its own) wait on Athena: 29 s is the most below API Gateway's 30 s
    // integration limit, and 10 s the least that leaves a query time to finish.
    "lambda-function-timeout-range": {
      minTimeoutSeconds: 3,
      maxTimeoutSeconds: 11,
      minBatchTimeoutSeconds: 10,
      maxBatchTimeoutSeconds: 900,
      minQueryTimeoutSeconds: 10,
      maxQueryTimeoutSeconds: 29,
    },
    "lambda-function-timeout-below-integration": { defaultIntegrationTimeoutMs: 30000 },
    "lambda-function-sdk-retry-env": { minAttempts: 1, maxAttempts: 5, allowedRetryModes: ["standard", "adaptive"] },
    "lambda-function-event-invoke-config": { maxRetryAttempts: 2, maxEventAgeSeconds: 3600 },
    "lambda-event-source-mapping-failure-handling": {
      maxRetryAttempts: 5,
      requireBisect: true,
      requireOnFailureDestination: true,
      maxRecordAgeSeconds: 86400,
    },
    "lambda-function-errors-alarm": { requireAlarmActions: true },
    "cloudwatch-log-group-retention": { minRetentionDays: 7, maxRetentionDays: 400 },
    "dynamodb-table-data-protection": { requirePointInTimeRecovery: true, requireDeletionProtection: true, requireProtect: true },
    "apigatewayv2-stage-throttling": { minRateLimit: 1, maxRateLimit: 10000, minBurstLimit: 1, maxBurstLimit: 5000 },
    "iam-policy-no-wildcards": { allowedResourceWildcardActions: [] },
    "apigatewayv2-api-cors-no-wildcard": { allowAnyOrigin: false },
    "s3-bucket-protections": { requireLifecycleExpiration: true },
    "athena-workgroup-enforcement": { maxBytesScannedCutoffMb: 102400 },
  },
};

/**
 * The stack's profile: the `liveinsight:environment` tag when it says dev or prod, else a stack
 * named `dev*` is dev; anything else is prod (fail closed). The CLI gives the stack name to the
 * pack process in PULUMI_STACK (and PULUMI_NODEJS_STACK); ConfigureStack only stores the tags.
 */
export function profileOf(stackTags: ReadonlyMap<string, string> | undefined): ProfileName {
  const tag = stackTags?.get(ENVIRONMENT_TAG);
  if (tag === "dev" || tag === "prod") {
    return tag;
  }
  if (tag !== undefined) {
    return "prod";
  }
  const stack = process.env.PULUMI_STACK ?? process.env.PULUMI_NODEJS_STACK ?? "";
  return stack.startsWith("dev") ? "dev" : "prod";
}
