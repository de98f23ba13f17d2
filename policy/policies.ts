// The pack's contents in one list, imported by index.ts (which serves them to the Pulumi CLI) and
// by the unit tests (which call the validators directly). Every policy takes `exemptions`;
// policy-exemptions comes last so AnalyzeStack runs it after every other policy.
import type { EnforcementLevel, Policies } from "@pulumi/policy";
import { apiStageAccessLogging, lambdaFunctionUrlAuth, lambdaPermissionSourceArn } from "./access";
import { lambdaErrorsAlarm } from "./alarms";
import { apiStageThrottling, lambdaTimeoutBelowIntegration } from "./api";
import { athenaWorkgroupEnforcement } from "./athena";
import { tableDataProtection } from "./dynamodb";
import { iamNoWildcards } from "./iam";
import { iamNoAdminAttachments, iamNoPublicPrincipal } from "./iam-principals";
import { lambdaMemoryRange, lambdaTimeoutRange } from "./lambda";
import { policyExemptions, withExemptions } from "./lib/exemptions";
import { logGroupRetention } from "./logs";
import { eventSourceMappingFailureHandling, lambdaEventInvokeConfig, lambdaSdkRetryEnv } from "./retries";
import { s3BucketProtections } from "./s3";
import { apiCorsNoWildcard, lambdaSitesHosts } from "./sites";
import { statsRouteAuthorization } from "./stats";

export const PACK_NAME = "liveinsight";

/** Level for a policy that sets none; every policy here sets its own. */
export const PACK_ENFORCEMENT_LEVEL: EnforcementLevel = "mandatory";

export const policies: Policies = [
  lambdaMemoryRange,
  lambdaTimeoutRange,
  lambdaTimeoutBelowIntegration,
  lambdaSdkRetryEnv,
  lambdaEventInvokeConfig,
  eventSourceMappingFailureHandling,
  lambdaErrorsAlarm,
  logGroupRetention,
  tableDataProtection,
  s3BucketProtections,
  athenaWorkgroupEnforcement,
  apiStageThrottling,
  apiStageAccessLogging,
  lambdaPermissionSourceArn,
  lambdaFunctionUrlAuth,
  iamNoWildcards,
  iamNoPublicPrincipal,
  iamNoAdminAttachments,
  apiCorsNoWildcard,
  lambdaSitesHosts,
  statsRouteAuthorization,
]
  .map(withExemptions)
  .concat([policyExemptions]);
