/**
 * IAM and bucket-policy documents of the history archive, as pure data (tests read them without
 * mocks). Like components/iam.ts they are built from names and the account scope, never from
 * resource ARNs, so they are known at a first `pulumi preview` and the no-wildcard policy can
 * judge them there. Each statement lists exactly the calls its function makes.
 */
import { ARCHIVE_EVENTS_PREFIX } from "./archive-layout";
import { type AccountScope, logGroupArn, type PolicyDocument, type PolicyStatement, tableArn } from "./iam";

export interface ArchiverPolicyNames extends AccountScope {
  readonly eventsTableName: string;
  readonly bucketName: string;
  readonly failureQueueName: string;
  readonly logGroupName: string;
}

export interface CompactionPolicyNames extends AccountScope {
  readonly bucketName: string;
  readonly logGroupName: string;
}

export interface SchedulerPolicyNames extends AccountScope {
  readonly compactionFunctionName: string;
}

export const bucketArn = (scope: Pick<AccountScope, "partition">, bucket: string) => `arn:${scope.partition}:s3:::${bucket}`;
const eventObjects = (scope: AccountScope, bucket: string) => `${bucketArn(scope, bucket)}/${ARCHIVE_EVENTS_PREFIX}*`;
export const queueArn = (scope: AccountScope, name: string) => `arn:${scope.partition}:sqs:${scope.region}:${scope.accountId}:${name}`;
export const lambdaArn = (scope: AccountScope, name: string) =>
  `arn:${scope.partition}:lambda:${scope.region}:${scope.accountId}:function:${name}`;

/**
 * Archiver: the event source mapping polls the Events stream with the function's role (the four
 * stream actions on `table/<name>/stream/*`, the scope the DynamoDB Developer Guide documents in
 * "IAM policy to grant read access for a DynamoDB stream only",
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/iam-policy-read-stream-only.html),
 * and sends a failed batch's description to the on-failure queue with the same role (Lambda
 * Developer Guide, "Retaining discarded records for a DynamoDB event source",
 * https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html). The function itself
 * only puts Parquet objects under events/; it never reads the table.
 */
export function archiverPolicy(n: ArchiverPolicyNames): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      allow(
        "ReadEventsStream",
        ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"],
        [`${tableArn(n, n.eventsTableName)}/stream/*`],
      ),
      allow("WriteArchiveObjects", ["s3:PutObject"], [eventObjects(n, n.bucketName)]),
      allow("SendFailedBatches", ["sqs:SendMessage"], [queueArn(n, n.failureQueueName)]),
      logStatement(logGroupArn(n, n.logGroupName)),
    ],
  };
}

/**
 * Compaction: lists a day's objects (ListObjectsV2 is authorised as s3:ListBucket on the bucket,
 * narrowed here to the events/ prefix), reads them, writes the merged file, deletes the inputs.
 */
export function compactionPolicy(n: CompactionPolicyNames): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        ...allow("ListArchiveDays", ["s3:ListBucket"], [bucketArn(n, n.bucketName)]),
        Condition: { StringLike: { "s3:prefix": [`${ARCHIVE_EVENTS_PREFIX}*`] } },
      },
      allow("CompactArchiveObjects", ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], [eventObjects(n, n.bucketName)]),
      logStatement(logGroupArn(n, n.logGroupName)),
    ],
  };
}

/** The schedule's role: invoke the compaction function, nothing else. */
export function schedulerPolicy(n: SchedulerPolicyNames): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [allow("InvokeCompaction", ["lambda:InvokeFunction"], [lambdaArn(n, n.compactionFunctionName)])],
  };
}

/**
 * Trust policy of the schedule's role. aws:SourceAccount keeps another account's schedule from
 * using it (EventBridge Scheduler User Guide, "Set up the execution role", confused-deputy
 * prevention: https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html#setting-up-execution-role).
 */
export function schedulerAssumeRolePolicy(accountId: string) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "scheduler.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": accountId } },
      },
    ],
  };
}

/**
 * TLS only: deny every S3 call on the bucket and its objects made without TLS (Amazon S3 User
 * Guide, "Security best practices", aws:SecureTransport:
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html).
 */
export function tlsOnlyBucketPolicy(partition: string, bucket: string) {
  const arn = bucketArn({ partition }, bucket);
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [arn, `${arn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  };
}

function logStatement(logGroup: string): PolicyStatement {
  return allow("WriteOwnLogs", ["logs:CreateLogStream", "logs:PutLogEvents"], [`${logGroup}:*`]);
}

function allow(Sid: string, Action: string[], Resource: string[]): PolicyStatement {
  return { Sid, Effect: "Allow", Action, Resource };
}
