// Entry point the Pulumi CLI runs for `--policy-pack policy`. It only builds the pack; the rules
// live in one module per area and are listed in policies.ts.
import { PolicyPack } from "@pulumi/policy";
import { PACK_ENFORCEMENT_LEVEL, PACK_NAME, policies } from "./policies";

new PolicyPack(PACK_NAME, {
  description: "LiveInsight guard rails: Lambda memory, timeout and retries, logs, tables, buckets, Athena, API throttling, IAM, alarms.",
  enforcementLevel: PACK_ENFORCEMENT_LEVEL,
  policies,
});
