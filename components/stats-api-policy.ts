/**
 * The stats function's IAM document, pure data (tests read it without mocks). Athena runs a query
 * with the caller's permissions (Athena User Guide, "Identity and access management in Athena",
 * https://docs.aws.amazon.com/athena/latest/ug/security-iam-athena.html), so the role also needs
 * the Glue catalog reads and the S3 reads of the archive, and writes to the workgroup's result
 * location. Each statement is what functions/stats/* sends, on exactly the named resource. The
 * live count is read by the realtime function's reader (functions/core/realtime.ts), so its
 * statements are the realtime function's own (realtimePolicy), whatever that reader comes to send.
 */
import { ARCHIVE_TABLE_NAME, archiveDatabaseName, athenaWorkgroupName, bucketName } from "../contracts/names";
import { workgroupConfiguration } from "./archive-catalog";
import type { AccountScope, PolicyDocument, PolicyStatement } from "./iam";
import { logGroupArn, realtimePolicy } from "./iam";

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

/**
 * The names the document needs, from the stack and the account scope alone: the archive's by the
 * calls HistoryArchive names its resources with, and the result location the workgroup enforces
 * (workgroupConfiguration), so the grant follows wherever the workgroup puts results.
 */
export function statsPolicyNames(
  stack: string,
  known: AccountScope & { activeSessionsTableName: string },
  own: { secretName: string; logGroupName: string },
): StatsPolicyNames {
  const resultsBucketName = bucketName(stack, known.accountId, known.region, "results");
  const location = workgroupConfiguration(resultsBucketName, 0).resultConfiguration.outputLocation;
  return {
    ...known,
    ...own,
    workgroupName: athenaWorkgroupName(stack),
    databaseName: archiveDatabaseName(stack),
    tableName: ARCHIVE_TABLE_NAME,
    archiveBucketName: bucketName(stack, known.accountId, known.region, "archive"),
    resultsBucketName,
    resultsPrefix: location.slice(`s3://${resultsBucketName}/`.length),
  };
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
      ...liveCountStatements(n),
      allow("WriteOwnLogs", ["logs:CreateLogStream", "logs:PutLogEvents"], [`${logGroupArn(n, n.logGroupName)}:*`]),
    ],
  };
}

/** realtimePolicy's statements but its log grant (this function writes to its own log group). */
function liveCountStatements(n: StatsPolicyNames): readonly PolicyStatement[] {
  return realtimePolicy(n).Statement.filter((s) => !s.Action.every((a) => a.startsWith("logs:")));
}
