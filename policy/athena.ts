// Athena workgroups: the workgroup's own settings win over a client's (its result location and
// encryption cannot be redirected), and every query has a bytes-scanned cutoff, so one careless
// `SELECT *` over the whole archive is cancelled instead of billed at $5 per TB.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { TYPES } from "./lib/aws";
import { integerSettings } from "./lib/config";
import { checkRange, checkRequiredTrue, subject } from "./lib/messages";
import { validateTypes } from "./lib/resources";

const MB = 1_048_576;
/** Athena's smallest per-query cutoff is 10,000,000 bytes (WorkGroupConfiguration, BytesScannedCutoffPerQuery). */
const MIN_CUTOFF_MB = 10;

const workgroupConfig = integerSettings({
  maxBytesScannedCutoffMb: [MIN_CUTOFF_MB, 1073741824, "Largest per-query bytesScannedCutoffPerQuery allowed (MB)."],
});

export const athenaWorkgroupEnforcement: ResourceValidationPolicy = {
  name: "athena-workgroup-enforcement",
  description: "Checks that Athena workgroups enforce their configuration, set a result location and cap the bytes a query may scan.",
  enforcementLevel: "mandatory",
  configSchema: workgroupConfig.schema,
  validateResource: validateTypes([TYPES.athenaWorkgroup], (props, args, report) => {
    const c = workgroupConfig.read("athena-workgroup-enforcement", args);
    const who = subject("Athena workgroup", args.name);
    const configuration = props.configuration ?? {};
    const cutoff = configuration.bytesScannedCutoffPerQuery;
    const messages = [
      checkRequiredTrue(who, "configuration.enforceWorkgroupConfiguration", configuration.enforceWorkgroupConfiguration),
      configuration.resultConfiguration?.outputLocation
        ? undefined
        : `${who} does not set configuration.resultConfiguration.outputLocation; a result location in a bucket with a short lifecycle is required.`,
      cutoff === undefined
        ? `${who} does not set configuration.bytesScannedCutoffPerQuery, so a query may scan without limit; ` +
          `the allowed range is ${MIN_CUTOFF_MB} to ${c.maxBytesScannedCutoffMb} MB (${MIN_CUTOFF_MB * MB} to ${c.maxBytesScannedCutoffMb * MB} bytes).`
        : checkRange({
            subject: who,
            field: "configuration.bytesScannedCutoffPerQuery",
            value: cutoff,
            min: MIN_CUTOFF_MB * MB,
            max: c.maxBytesScannedCutoffMb * MB,
            unit: " bytes",
          }),
    ];
    for (const m of messages) if (m) report(m);
  }),
};
