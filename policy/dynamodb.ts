// Data protection for tables: point-in-time recovery undoes a bad write, deletion protection and
// Pulumi's `protect` stop a stray `pulumi destroy` or a replace from dropping the data.
import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { TYPES } from "./lib/aws";
import { booleanProperty, readConfig } from "./lib/config";
import { checkRequiredTrue, subject } from "./lib/messages";
import { validateTypes } from "./lib/resources";

interface DataProtectionConfig {
  requirePointInTimeRecovery: boolean;
  requireDeletionProtection: boolean;
  requireProtect: boolean;
}
const dataProtectionSchema: PolicyConfigSchema = {
  properties: {
    requirePointInTimeRecovery: booleanProperty("Require pointInTimeRecovery.enabled: true."),
    requireDeletionProtection: booleanProperty("Require deletionProtectionEnabled: true."),
    requireProtect: booleanProperty("Require the Pulumi resource option protect: true."),
  },
};

export const tableDataProtection: ResourceValidationPolicy = {
  name: "dynamodb-table-data-protection",
  description: "Checks that DynamoDB tables enable point-in-time recovery and deletion protection (and protect, if configured).",
  enforcementLevel: "mandatory",
  configSchema: dataProtectionSchema,
  validateResource: validateTypes([TYPES.table], (props, args, report) => {
    const c = readConfig<DataProtectionConfig>("dynamodb-table-data-protection", args);
    if (!c.requirePointInTimeRecovery && !c.requireDeletionProtection && !c.requireProtect) {
      args.notApplicable("The stack's profile and policy config require no table protection");
    }
    const who = subject("DynamoDB table", args.name);
    const messages = [
      c.requirePointInTimeRecovery ? checkRequiredTrue(who, "pointInTimeRecovery.enabled", props.pointInTimeRecovery?.enabled) : undefined,
      c.requireDeletionProtection ? checkRequiredTrue(who, "deletionProtectionEnabled", props.deletionProtectionEnabled) : undefined,
      c.requireProtect && !args.opts.protect ? `${who} has resource option protect false; the required value is true.` : undefined,
    ];
    for (const m of messages) if (m) report(m);
  }),
};
