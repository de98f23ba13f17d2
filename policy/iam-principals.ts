// IAM beyond the policy documents' actions: nobody may be trusted as `Principal: "*"` (a trust or
// resource policy open to every AWS account), and no AWS-managed admin policy may be attached.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { statementsOf } from "./iam";
import { TYPES } from "./lib/aws";
import { subject } from "./lib/messages";
import { known, type Props, validateTypes } from "./lib/resources";

/** Resource types whose property holds a resource (or trust) policy, with what it is called. */
const POLICY_HOLDERS: Record<string, { key: string; label: string }> = {
  [TYPES.role]: { key: "assumeRolePolicy", label: "IAM role" },
  "aws:s3/bucketPolicy:BucketPolicy": { key: "policy", label: "S3 bucket policy" },
  "aws:sqs/queuePolicy:QueuePolicy": { key: "policy", label: "SQS queue policy" },
  "aws:sns/topicPolicy:TopicPolicy": { key: "policy", label: "SNS topic policy" },
};

function isEveryone(principal: unknown): boolean {
  if (principal === "*") return true;
  if (principal && typeof principal === "object") {
    const aws = (principal as Props).AWS;
    return aws === "*" || (Array.isArray(aws) && aws.includes("*"));
  }
  return false;
}

export const iamNoPublicPrincipal: ResourceValidationPolicy = {
  name: "iam-no-public-principal",
  description: 'Checks that no trust or resource policy, and no Lambda permission, allows Principal "*".',
  enforcementLevel: "mandatory",
  validateResource: validateTypes([...Object.keys(POLICY_HOLDERS), TYPES.lambdaPermission], (props, args, report) => {
    if (args.type === TYPES.lambdaPermission) {
      if (known(() => props.principal) === "*") {
        report(
          `${subject("Lambda permission", args.name)} has principal "*", so any AWS account may invoke the function; name the service or account.`,
        );
      }
      return;
    }
    const { key, label } = POLICY_HOLDERS[args.type];
    (statementsOf(known(() => props[key])) ?? []).forEach((s, i) => {
      if (s.Effect === "Allow" && isEveryone(s.Principal)) {
        report(
          `${subject(label, args.name)} ${key} statement ${i + 1} allows Principal "*", which is every AWS account; name the service or account.`,
        );
      }
    });
  }),
};

const ATTACHMENT_TYPES = [
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  "aws:iam/userPolicyAttachment:UserPolicyAttachment",
  "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
  "aws:iam/policyAttachment:PolicyAttachment",
];
const ADMIN_POLICY = /^arn:aws[a-z-]*:iam::aws:policy\/(AdministratorAccess|PowerUserAccess|IAMFullAccess)$/;

export const iamNoAdminAttachments: ResourceValidationPolicy = {
  name: "iam-no-admin-policy-attachments",
  description: "Checks that no role, user or group gets the AWS-managed AdministratorAccess, PowerUserAccess or IAMFullAccess policy.",
  enforcementLevel: "mandatory",
  validateResource: validateTypes([...ATTACHMENT_TYPES, TYPES.role], (props, args, report) => {
    const arns: unknown[] = args.type === TYPES.role ? (known(() => props.managedPolicyArns) ?? []) : [known(() => props.policyArn)];
    for (const arn of arns) {
      if (typeof arn === "string" && ADMIN_POLICY.test(arn)) {
        report(
          `${subject(args.type === TYPES.role ? "IAM role" : "IAM policy attachment", args.name)} attaches "${arn}", ` +
            "which grants administrative access; attach a policy with only the actions needed.",
        );
      }
    }
  }),
};
