/**
 * The stats function's IAM document, pure data (tests read it without mocks). Athena runs a query
 * with the caller's permissions (Athena User Guide, "Identity and access management in Athena",
 * https://docs.aws.amazon.com/athena/latest/ug/security-iam-athena.html), so the role also needs
 * the Glue catalog reads and the S3 reads of the archive, and writes to the workgroup's result
 * location. Each statement is what functions/stats/* sends, on exactly the named resource.
 */
import type { AccountScope, PolicyDocument, PolicyStatement } from "./iam";
import { logGroupArn, tableArn } from "./iam";

export interface StatsPolicyNames extends AccountScope {
  activeSessionsTableName: string;
  logGroupName: string;
  secretName: string;
  workgroupName: string;
  databaseName: string;
  tableName: string;
  archiveBucketName: string;
  /** The workgroup's enforced result location: bucket and key prefix (no leading slash). */
  resultsBucketName: string;
  resultsPrefix: string;
}

const allow = (Sid: string, Action: string[], Resource: string[]): PolicyStatement => ({ Sid, Effect: "Allow", Action, Resource });

export function statsPolicy(n: StatsPolicyNames): PolicyDocument {
  const glue = (kind: string) => `arn:${n.partition}:glue:${n.region}:${n.accountId}:${kind}`;
  const s3 = (rest: string) => `arn:${n.partition}:s3:::${rest}`;
  return {
    Version: "2012-10-17",
    Statement: [
      allow(
        "RunStatsQueries",
        ["athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults", "athena:StopQueryExecution"],
        [`arn:${n.partition}:athena:${n.region}:${n.accountId}:workgroup/${n.workgroupName}`],
      ),
      allow(
        "ReadArchiveCatalog",
        ["glue:GetDatabase", "glue:GetTable"],
        [glue("catalog"), glue(`database/${n.databaseName}`), glue(`table/${n.databaseName}/${n.tableName}`)],
      ),
      allow("ListArchive", ["s3:ListBucket", "s3:GetBucketLocation"], [s3(n.archiveBucketName)]),
      allow("ReadArchive", ["s3:GetObject"], [s3(`${n.archiveBucketName}/events/*`)]),
      allow("ListResults", ["s3:ListBucket", "s3:GetBucketLocation"], [s3(n.resultsBucketName)]),
      allow(
        "WriteResults",
        ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"],
        [s3(`${n.resultsBucketName}/${n.resultsPrefix}*`)],
      ),
      // "-??????" matches the six random characters Secrets Manager appends to the ARN, so the ARN is
      // known at a first preview (Secrets Manager User Guide, "Permissions policy examples",
      // https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples.html).
      allow(
        "ReadStatsKey",
        ["secretsmanager:GetSecretValue"],
        [`arn:${n.partition}:secretsmanager:${n.region}:${n.accountId}:secret:${n.secretName}-??????`],
      ),
      allow("ReadRealtimeCounters", ["dynamodb:BatchGetItem"], [tableArn(n, n.activeSessionsTableName)]),
      allow("WriteOwnLogs", ["logs:CreateLogStream", "logs:PutLogEvents"], [`${logGroupArn(n, n.logGroupName)}:*`]),
    ],
  };
}
