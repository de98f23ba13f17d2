// No wildcard IAM: every statement that allows something names its actions and resources, so a
// compromised function can only do what it was built to do.
import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { TYPES } from "./lib/aws";
import { readConfig, stringListProperty } from "./lib/config";
import { type Props, validateTypes } from "./lib/resources";

const DOCUMENT_KINDS: Record<string, string> = {
  [TYPES.rolePolicy]: "IAM role policy",
  [TYPES.policy]: "IAM policy",
  [TYPES.userPolicy]: "IAM user policy",
  [TYPES.groupPolicy]: "IAM group policy",
};

interface WildcardConfig {
  allowedResourceWildcardActions: string[];
}
const wildcardSchema: PolicyConfigSchema = {
  properties: {
    allowedResourceWildcardActions: stringListProperty(
      'Actions that may use Resource "*" because AWS offers no resource-level permission for them ' +
        "(e.g. xray:PutTraceSegments); a statement qualifies only if all its actions are listed.",
    ),
  },
};

interface LabelledDocument {
  label: string;
  document: unknown;
}

function documentsOf(type: string, name: string, props: Props): LabelledDocument[] {
  if (type === TYPES.role) {
    const inline: Props[] = props.inlinePolicies ?? [];
    return inline.map((p) => ({ label: `IAM role "${name}" inline policy "${p.name ?? ""}"`, document: p.policy }));
  }
  return [{ label: `${DOCUMENT_KINDS[type]} "${name}"`, document: props.policy }];
}

/** A policy document's statements (JSON text or object); undefined when it is not a document. */
export function statementsOf(document: unknown): Props[] | undefined {
  let parsed: unknown = document;
  if (typeof document === "string") {
    try {
      parsed = JSON.parse(document);
    } catch {
      return undefined;
    }
  }
  if (typeof parsed !== "object" || parsed === null) {
    return undefined;
  }
  const statement = (parsed as Props).Statement ?? [];
  return Array.isArray(statement) ? statement : [statement];
}

const asList = (value: unknown): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [String(value)]);
/** Any wildcard in an action: "*", "<service>:*" and partial ones such as "s3:Get*" or "s3:?etObject". */
const isWildcardAction = (action: string) => /[*?]/.test(action);

function statementMessages(where: string, statement: Props, c: WildcardConfig): string[] {
  if (statement.Effect !== "Allow") {
    return [];
  }
  const actions = asList(statement.Action);
  const messages = actions
    .filter(isWildcardAction)
    .map(
      (a) =>
        `${where} allows action "${a}"; wildcard actions ("*", "<service>:*" or partial ones such as "s3:Get*") are not allowed, list the exact actions.`,
    );
  if (statement.NotAction !== undefined) {
    messages.push(`${where} uses NotAction in an Allow, which allows every other action; list the exact actions with Action.`);
  }
  const exempt = actions.length > 0 && actions.every((a) => c.allowedResourceWildcardActions.includes(a));
  if (asList(statement.Resource).includes("*") && !exempt) {
    messages.push(`${where} allows resource "*"; wildcard resources are not allowed, list the exact ARNs.`);
  }
  if (statement.NotResource !== undefined) {
    messages.push(`${where} uses NotResource in an Allow, which allows every other resource; list the exact ARNs with Resource.`);
  }
  return messages;
}

export const iamNoWildcards: ResourceValidationPolicy = {
  name: "iam-policy-no-wildcards",
  description: "Checks that IAM policies (role, user, group, managed and role inline) allow no wildcard actions or resources.",
  enforcementLevel: "mandatory",
  configSchema: wildcardSchema,
  validateResource: validateTypes([...Object.keys(DOCUMENT_KINDS), TYPES.role], (props, args, report) => {
    const c = readConfig<WildcardConfig>("iam-policy-no-wildcards", args);
    for (const { label, document } of documentsOf(args.type, args.name, props)) {
      const statements = statementsOf(document);
      if (!statements) {
        report(`${label} has a policy document that is not valid JSON; a JSON IAM policy document is required.`);
        continue;
      }
      statements.forEach((s, i) => {
        for (const m of statementMessages(`${label} statement ${i + 1}`, s, c)) report(m);
      });
    }
  }),
};
