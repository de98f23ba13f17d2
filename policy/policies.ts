// The pack's contents in one list, imported by index.ts (which serves them to the Pulumi CLI) and
// by the offline checker and tests (which must not start the policy server).
import type { EnforcementLevel, Policies } from "@pulumi/policy";
import { lambdaErrorsAlarm } from "./alarms";
import { apiStageThrottling, lambdaTimeoutBelowIntegration } from "./api";
import { tableDataProtection } from "./dynamodb";
import { iamNoWildcards } from "./iam";
import { lambdaMemoryRange, lambdaTimeoutRange } from "./lambda";
import { logGroupRetention } from "./logs";
import { eventSourceMappingFailureHandling, lambdaEventInvokeConfig, lambdaSdkRetryEnv } from "./retries";

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
    apiStageThrottling,
    iamNoWildcards,
];
