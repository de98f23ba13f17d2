/**
 * IAM documents for the two functions, as pure data so tests read them without mocks.
 *
 * Built from what is known when the program plans (table and log-group names, plus the account's
 * partition, region and id from lookups), not from resource ARNs: a new table's ARN is unknown
 * until it exists, which would leave the policy document — and the no-wildcard policy judging it —
 * unknown at a first `pulumi preview`.
 *
 * Least privilege: each statement lists exactly the DynamoDB actions the function's code sends
 * (functions/core/store.ts, collect.ts, realtime.ts) on exactly the tables it sends them to. Neither
 * function queries an index, so no index ARN appears. Logging is granted on the function's own log
 * group only; AWSLambdaBasicExecutionRole is deliberately not attached (its resource is `*`, and the
 * log group already exists, so logs:CreateLogGroup is not needed either).
 */

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow";
  readonly Action: readonly string[];
  readonly Resource: readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly PolicyStatement[];
}

export interface AssumeRolePolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly {
    readonly Effect: "Allow";
    readonly Principal: { readonly Service: string };
    readonly Action: "sts:AssumeRole";
  }[];
}

/** Where the resources live: from aws.getPartition / getRegion / getCallerIdentity. */
export interface AccountScope {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
}

export interface CollectorPolicyNames extends AccountScope {
  readonly eventsTableName: string;
  readonly sessionsTableName: string;
  readonly activeSessionsTableName: string;
  readonly logGroupName: string;
}

export interface RealtimePolicyNames extends AccountScope {
  readonly activeSessionsTableName: string;
  readonly logGroupName: string;
}

/** `arn:<partition>:dynamodb:<region>:<account>:table/<name>` (the ARN format DynamoDB documents). */
export function tableArn(scope: AccountScope, tableName: string): string {
  return `arn:${scope.partition}:dynamodb:${scope.region}:${scope.accountId}:table/${tableName}`;
}

/** `arn:<partition>:logs:<region>:<account>:log-group:<name>` (the CloudWatch Logs ARN format). */
export function logGroupArn(scope: AccountScope, logGroupName: string): string {
  return `arn:${scope.partition}:logs:${scope.region}:${scope.accountId}:log-group:${logGroupName}`;
}

/** Trust policy: only the Lambda service may assume a function role. */
export function lambdaAssumeRolePolicy(): AssumeRolePolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
  };
}

/**
 * Collector: batch-writes events (plus the pins that decide effective times near and outside
 * the window: conditional puts, reads of pins and per-chain future markers with GetItem /
 * BatchGetItem, a marker UpdateItem; functions/core/pins.ts), updates sessions, moves the
 * realtime counters (guarded UpdateItems, functions/core/realtime-moves.ts). GetItem re-reads an item after a failed condition where DynamoDB-compatible servers
 * return none (functions/core/store.ts), and follows a chain when an out-of-window retry looks
 * for its earlier in-window copy. A test drives every
 * write path against dynalite and checks each call it made is allowed here, and nothing more.
 */
export function collectorPolicy(n: CollectorPolicyNames): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      allow(
        "WriteEvents",
        ["dynamodb:BatchWriteItem", "dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:UpdateItem"],
        [tableArn(n, n.eventsTableName)],
      ),
      allow("UpdateSessions", ["dynamodb:UpdateItem", "dynamodb:GetItem"], [tableArn(n, n.sessionsTableName)]),
      // The realtime counters (functions/core/realtime-moves.ts): guarded UpdateItem writes, and a
      // consistent GetItem after a failed condition.
      allow("MoveRealtimeCounters", ["dynamodb:UpdateItem", "dynamodb:GetItem"], [tableArn(n, n.activeSessionsTableName)]),
      logStatement(logGroupArn(n, n.logGroupName)),
    ],
  };
}

/** Realtime: reads one site's counter items (one BatchGetItem per snapshot), nothing else. */
export function realtimePolicy(n: RealtimePolicyNames): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      allow("ReadRealtimeCounters", ["dynamodb:BatchGetItem"], [tableArn(n, n.activeSessionsTableName)]),
      logStatement(logGroupArn(n, n.logGroupName)),
    ],
  };
}

/**
 * `<log group ARN>:*` is AWS's documented scope for a function writing to one log group: log-stream
 * names are chosen by Lambda at run time, so the stream part cannot be spelled out.
 */
function logStatement(logGroupArn: string): PolicyStatement {
  return allow("WriteOwnLogs", ["logs:CreateLogStream", "logs:PutLogEvents"], [`${logGroupArn}:*`]);
}

function allow(Sid: string, Action: string[], Resource: string[]): PolicyStatement {
  return { Sid, Effect: "Allow", Action, Resource };
}
