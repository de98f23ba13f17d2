// S3 bucket protections: every bucket blocks public access, states its default encryption, denies
// requests without TLS and expires what it holds. Each protection is its own resource in the AWS
// provider, so this is a stack policy that finds each bucket's companions by what they point at.
import type { PolicyConfigSchema, PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { statementsOf } from "./iam";
import { TYPES } from "./lib/aws";
import { booleanProperty, readConfig } from "./lib/config";
import { subject } from "./lib/messages";
import { dependsThrough, known, ofType, type Props } from "./lib/resources";

interface BucketConfig {
  requireLifecycleExpiration: boolean;
}
const bucketSchema: PolicyConfigSchema = {
  properties: {
    requireLifecycleExpiration: booleanProperty("Require a lifecycle rule that expires objects (bounded retention)."),
  },
};

const PUBLIC_ACCESS_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;

/** True when `holder.bucket` is this bucket: by dependency (preview) or by its name. */
function belongsTo(holder: PolicyResource, bucket: PolicyResource): boolean {
  if (dependsThrough(holder, "bucket", bucket)) return true;
  const target = known(() => holder.props.bucket);
  const name = known(() => bucket.props.bucket);
  return typeof target === "string" && target !== "" && target === name;
}

/** A Deny of every principal when aws:SecureTransport is false (Amazon S3 User Guide, "Security best practices"). */
function deniesInsecureTransport(policy: unknown): boolean {
  return (statementsOf(policy) ?? []).some(
    (s: Props) =>
      s.Effect === "Deny" &&
      (s.Principal === "*" || s.Principal?.AWS === "*") &&
      String(s.Condition?.Bool?.["aws:SecureTransport"]) === "false",
  );
}

const expires = (rule: Props) => rule.status === "Enabled" && (rule.expiration?.days ?? rule.expiration?.date) !== undefined;

function bucketMessages(bucket: PolicyResource, all: PolicyResource[], c: BucketConfig): string[] {
  const who = subject("S3 bucket", bucket.name);
  const mine = (type: string) => ofType(all, type).filter((r) => belongsTo(r, bucket));
  const messages: string[] = [];
  const blocks = mine(TYPES.bucketPublicAccessBlock);
  const open = PUBLIC_ACCESS_FLAGS.filter((flag) => !blocks.some((b) => b.props[flag] === true));
  if (open.length > 0) {
    messages.push(
      `${who} has no public access block setting ${open.join(", ")} to true; a BucketPublicAccessBlock with all four set to true is required.`,
    );
  }
  if (mine(TYPES.bucketEncryption).length === 0) {
    messages.push(
      `${who} has no BucketServerSideEncryptionConfiguration; default encryption (SSE-S3 "AES256" or "aws:kms") must be stated.`,
    );
  }
  if (!mine(TYPES.bucketPolicy).some((p) => deniesInsecureTransport(known(() => p.props.policy)))) {
    messages.push(
      `${who} has no bucket policy denying requests without TLS; one statement must Deny Principal "*" when aws:SecureTransport is "false".`,
    );
  }
  if (c.requireLifecycleExpiration && !mine(TYPES.bucketLifecycle).some((l) => (known(() => l.props.rules) ?? []).some(expires))) {
    messages.push(`${who} has no enabled lifecycle rule with an expiration; its objects would be kept (and billed) forever.`);
  }
  return messages;
}

export const s3BucketProtections: StackValidationPolicy = {
  name: "s3-bucket-protections",
  description:
    "Checks that every S3 bucket blocks public access, states default encryption, denies non-TLS requests and expires its objects.",
  enforcementLevel: "mandatory",
  configSchema: bucketSchema,
  validateStack: (args, report) => {
    const c = readConfig<BucketConfig>("s3-bucket-protections", args);
    for (const bucket of ofType(args.resources, TYPES.bucket)) {
      for (const m of bucketMessages(bucket, args.resources, c)) report(m, bucket.urn);
    }
  },
};
