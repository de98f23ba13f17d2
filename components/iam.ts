/**
 * IAM documents for the two functions, as pure data so tests read them without mocks.
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

export interface CollectorPolicyArns {
  readonly eventsTableArn: string;
  readonly sessionsTableArn: string;
  readonly activeSessionsTableArn: string;
  readonly logGroupArn: string;
}

export interface RealtimePolicyArns {
  readonly activeSessionsTableArn: string;
  readonly logGroupArn: string;
}

/** Trust policy: only the Lambda service may assume a function role. */
export function lambdaAssumeRolePolicy(): AssumeRolePolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
  };
}

/** Collector: batch-writes events, updates sessions, puts/deletes active-session rows (rollover). */
export function collectorPolicy(arns: CollectorPolicyArns): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      allow("WriteEvents", ["dynamodb:BatchWriteItem"], [arns.eventsTableArn]),
      allow("UpdateSessions", ["dynamodb:UpdateItem"], [arns.sessionsTableArn]),
      allow("TrackActiveSessions", ["dynamodb:PutItem", "dynamodb:DeleteItem"], [arns.activeSessionsTableArn]),
      logStatement(arns.logGroupArn),
    ],
  };
}

/** Realtime: scans the active-session rows, nothing else. */
export function realtimePolicy(arns: RealtimePolicyArns): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [allow("ReadActiveSessions", ["dynamodb:Scan"], [arns.activeSessionsTableArn]), logStatement(arns.logGroupArn)],
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
