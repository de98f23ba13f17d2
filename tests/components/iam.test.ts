import { expect } from "chai";
import { collectorPolicy, lambdaAssumeRolePolicy, logGroupArn, realtimePolicy, tableArn } from "../../components/iam";

const SCOPE = { partition: "aws", region: "us-east-1", accountId: "111122223333" };
const NAMES = {
  eventsTableName: "LiveInsight-qa-Events",
  sessionsTableName: "LiveInsight-qa-Sessions",
  activeSessionsTableName: "LiveInsight-qa-ActiveSessions",
};
const TABLE = (name: string) => `arn:aws:dynamodb:us-east-1:111122223333:table/${name}`;
const LOGS = (fn: string) => `arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/${fn}:*`;

describe("components/iam", () => {
  it("lets only the Lambda service assume a function role", () => {
    expect(lambdaAssumeRolePolicy()).to.deep.equal({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
    });
  });

  it("spells table and log-group ARNs from partition, region, account and name", () => {
    expect(tableArn({ partition: "aws-cn", region: "cn-north-1", accountId: "444455556666" }, "T")).to.equal(
      "arn:aws-cn:dynamodb:cn-north-1:444455556666:table/T",
    );
    expect(logGroupArn({ partition: "aws-us-gov", region: "us-gov-west-1", accountId: "444455556666" }, "/aws/lambda/f")).to.equal(
      "arn:aws-us-gov:logs:us-gov-west-1:444455556666:log-group:/aws/lambda/f",
    );
  });

  it("grants the collector exactly the writes its code sends, each on its own table", () => {
    expect(collectorPolicy({ ...SCOPE, ...NAMES, logGroupName: "/aws/lambda/LiveInsight-qa-collector" })).to.deep.equal({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "WriteEvents",
          Effect: "Allow",
          Action: ["dynamodb:BatchWriteItem", "dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:UpdateItem"],
          Resource: [TABLE(NAMES.eventsTableName)],
        },
        {
          Sid: "UpdateSessions",
          Effect: "Allow",
          Action: ["dynamodb:UpdateItem", "dynamodb:GetItem"],
          Resource: [TABLE(NAMES.sessionsTableName)],
        },
        {
          Sid: "MoveRealtimeCounters",
          Effect: "Allow",
          Action: ["dynamodb:UpdateItem", "dynamodb:GetItem"],
          Resource: [TABLE(NAMES.activeSessionsTableName)],
        },
        {
          Sid: "WriteOwnLogs",
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: [LOGS("LiveInsight-qa-collector")],
        },
      ],
    });
  });

  it("grants the realtime function a Scan of ActiveSessions and nothing else", () => {
    const doc = realtimePolicy({
      ...SCOPE,
      activeSessionsTableName: NAMES.activeSessionsTableName,
      logGroupName: "/aws/lambda/LiveInsight-qa-realtime",
    });
    expect(doc).to.deep.equal({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "ReadRealtimeCounters",
          Effect: "Allow",
          Action: ["dynamodb:BatchGetItem"],
          Resource: [TABLE(NAMES.activeSessionsTableName)],
        },
        {
          Sid: "WriteOwnLogs",
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: [LOGS("LiveInsight-qa-realtime")],
        },
      ],
    });
  });

  it("never uses a wildcard action or a bare * resource", () => {
    const logGroupName = "/aws/lambda/x";
    for (const doc of [collectorPolicy({ ...SCOPE, ...NAMES, logGroupName }), realtimePolicy({ ...SCOPE, ...NAMES, logGroupName })]) {
      for (const statement of doc.Statement) {
        for (const action of statement.Action) expect(action).to.match(/^[a-z]+:[A-Za-z]+$/);
        for (const resource of statement.Resource) expect(resource).to.match(/^arn:aws:(dynamodb|logs):us-east-1:111122223333:/);
      }
    }
  });
});
