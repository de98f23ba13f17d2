// Exemptions: `"<policy>": {"exemptions": [{"resource", "reason", "expires"}]}` in a policy's own
// config. A CrossGuard violation carries its policy's level, so an exempted violation is not
// reported by its policy; the advisory `policy-exemptions` rule (last in the pack, run by
// AnalyzeStack after every resource was analysed) reports it instead, so it stays visible.
import type {
  Policy,
  PolicyConfigSchema,
  ReportViolation,
  ResourceValidation,
  ResourceValidationPolicy,
  StackValidation,
  StackValidationPolicy,
} from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";

export interface Exemption {
  resource: string;
  reason: string;
  expires: string;
}

export const EXEMPTIONS_POLICY = "policy-exemptions";

export const exemptionsProperty: PolicyConfigJSONSchema = {
  type: "array",
  description: "Resources (logical name or glob with *) whose violations of this policy are not enforced until expires.",
  items: {
    type: "object",
    properties: {
      resource: { type: "string", minLength: 1 },
      reason: { type: "string", minLength: 1 },
      expires: { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}$" },
    },
    required: ["resource", "reason", "expires"],
    additionalProperties: false,
  },
};

/** Exempted violations seen since the last `policy-exemptions` run, keyed to drop repeats. */
const exempted = new Map<string, { urn: string; message: string }>();

// A glob has only `*`; no library needed for one wildcard, and the pack keeps its dependencies small.
function matches(glob: string, name: string): boolean {
  const pattern = glob
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${pattern}$`).test(name);
}

const today = () => new Date().toISOString().slice(0, 10);
const nameOfUrn = (urn: string) => urn.split("::").slice(3).join("::");

function exemptingReport(
  policy: string,
  config: { exemptions?: Exemption[] },
  report: ReportViolation,
  self: { urn: string },
): ReportViolation {
  return (message, urn) => {
    const target = typeof urn === "string" && urn !== "" ? urn : self.urn;
    const exemption = (config.exemptions ?? []).find((e) => matches(e.resource, nameOfUrn(target)));
    if (!exemption || typeof message !== "string") {
      report(message, urn);
    } else if (today() > exemption.expires) {
      report(`${message} (exemption expired ${exemption.expires})`, urn);
    } else {
      const text = `Exempted until ${exemption.expires} (${exemption.reason}): ${policy}: ${message}`;
      exempted.set(`${target}\n${text}`, { urn: target, message: text });
    }
  };
}

function withSchema(schema: PolicyConfigSchema | undefined): PolicyConfigSchema {
  return { ...schema, properties: { ...(schema?.properties ?? {}), exemptions: exemptionsProperty } };
}

/** Keeps the `__pulumiType` tag the server uses to skip other resource types. */
function sameTag<F extends object>(from: object, to: F): F {
  const tag = (from as { __pulumiType?: string }).__pulumiType;
  return tag ? Object.assign(to, { __pulumiType: tag }) : to;
}

function wrapResource(policy: string, validation: ResourceValidation): ResourceValidation {
  return sameTag(validation, ((args, report) =>
    validation(args, exemptingReport(policy, args.getConfig(), report, args))) as ResourceValidation);
}

function wrapStack(policy: string, validation: StackValidation): StackValidation {
  return sameTag(validation, ((args, report) =>
    validation(args, exemptingReport(policy, args.getConfig(), report, { urn: "" }))) as StackValidation);
}

/** The policy with `exemptions` in its configSchema and its reports filtered by them. */
export function withExemptions<P extends Policy>(policy: P): P {
  const stack = policy as unknown as StackValidationPolicy;
  if (typeof stack.validateStack === "function") {
    return { ...policy, configSchema: withSchema(policy.configSchema), validateStack: wrapStack(policy.name, stack.validateStack) };
  }
  const resource = policy as unknown as ResourceValidationPolicy;
  const validations = resource.validateResource;
  const wrapped = Array.isArray(validations)
    ? validations.map((v) => wrapResource(policy.name, v))
    : validations && wrapResource(policy.name, validations);
  return { ...policy, configSchema: withSchema(policy.configSchema), validateResource: wrapped };
}

export const policyExemptions: StackValidationPolicy = {
  name: EXEMPTIONS_POLICY,
  description: "Lists every violation an exemption in the policy config keeps from being enforced, with its reason and expiry.",
  enforcementLevel: "advisory",
  configSchema: withSchema(undefined),
  validateStack: (args, report) => {
    // Only this stack's resources: a run the engine abandoned before AnalyzeStack leaves nothing behind.
    const urns = new Set(args.resources.map((r) => r.urn));
    for (const { urn, message } of exempted.values()) {
      if (urn === "" || urns.has(urn)) report(message, urn || undefined);
    }
    exempted.clear();
  },
};
