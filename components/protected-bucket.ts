/**
 * An S3 bucket with the protections every LiveInsight bucket carries: all four public-access
 * blocks, default encryption stated (SSE-S3), a TLS-only bucket policy and a lifecycle that
 * expires objects and aborts stale multipart uploads (Amazon S3 User Guide, "Blocking public
 * access": https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html,
 * "Setting default server-side encryption behavior":
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-encryption.html, "Managing the
 * lifecycle of objects": https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lifecycle-mgmt.html).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { tlsOnlyBucketPolicy } from "./archive-iam";

export interface ProtectedBucketArgs {
  readonly bucket: pulumi.Input<string>;
  /** Objects under expirePrefix are deleted this many days after they were written. */
  readonly expireAfterDays: number;
  /** "" = every object. */
  readonly expirePrefix: string;
  /** Pulumi `protect`, and no force-destroy: `pulumi destroy` refuses while the bucket holds data. */
  readonly protect: boolean;
}

export interface ProtectedBucket {
  readonly bucket: aws.s3.Bucket;
}

/** Pure: the lifecycle rules (a multipart upload abandoned by a crashed writer is billed until aborted). */
export function lifecycleRules(expireAfterDays: number, expirePrefix: string) {
  return [
    { id: "expire", status: "Enabled", filter: { prefix: expirePrefix }, expiration: { days: expireAfterDays } },
    {
      id: "abort-incomplete-uploads",
      status: "Enabled",
      filter: { prefix: "" },
      abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
    },
  ];
}

export function createProtectedBucket(prefix: string, args: ProtectedBucketArgs, parent: pulumi.Resource): ProtectedBucket {
  const bucket = new aws.s3.Bucket(prefix, { bucket: args.bucket, forceDestroy: !args.protect }, { parent, protect: args.protect });
  const block = new aws.s3.BucketPublicAccessBlock(
    `${prefix}-public-access-block`,
    { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
    { parent },
  );
  new aws.s3.BucketServerSideEncryptionConfiguration(
    `${prefix}-encryption`,
    { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
    { parent },
  );
  new aws.s3.BucketPolicy(
    `${prefix}-policy`,
    {
      bucket: bucket.id,
      policy: pulumi
        .all([aws.getPartitionOutput({}, { parent }).partition, args.bucket])
        .apply(([partition, name]) => JSON.stringify(tlsOnlyBucketPolicy(partition, name))),
    },
    // After the public-access block, so S3 never sees a policy on a bucket without it.
    { parent, dependsOn: [block] },
  );
  new aws.s3.BucketLifecycleConfiguration(
    `${prefix}-lifecycle`,
    { bucket: bucket.id, rules: lifecycleRules(args.expireAfterDays, args.expirePrefix) },
    { parent },
  );
  return { bucket };
}
