// Log retention: CloudWatch Logs keeps events forever by default, which is a cost that only grows.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { TYPES } from "./lib/aws";
import { integerSettings } from "./lib/config";
import { checkRange, rangeText, subject } from "./lib/messages";
import { validateTypes } from "./lib/resources";

const retention = integerSettings({
  minRetentionDays: [1, 3653, "Shortest retentionInDays allowed."],
  maxRetentionDays: [1, 3653, "Longest retentionInDays allowed."],
});

export const logGroupRetention: ResourceValidationPolicy = {
  name: "cloudwatch-log-group-retention",
  description: "Checks that every CloudWatch log group sets retentionInDays within the configured range.",
  enforcementLevel: "mandatory",
  configSchema: retention.schema,
  validateResource: validateTypes([TYPES.logGroup], (props, args, report) => {
    const c = retention.read("cloudwatch-log-group-retention", args);
    const who = subject("CloudWatch log group", args.name);
    if (props.retentionInDays === 0) {
      // 0 is how the API spells "never expire".
      report(
        `${who} has retentionInDays 0, so its events never expire; ` + `${rangeText(c.minRetentionDays, c.maxRetentionDays, " days")}.`,
      );
      return;
    }
    const message = checkRange({
      subject: who,
      field: "retentionInDays",
      value: props.retentionInDays,
      unit: " days",
      min: c.minRetentionDays,
      max: c.maxRetentionDays,
      defaultMeaning: "so its events never expire",
    });
    if (message) report(message);
  }),
};
