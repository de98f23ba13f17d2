import { expect } from "chai";
import { collectorPolicy, lambdaAssumeRolePolicy, realtimePolicy } from "../../components/iam";

const ARNS = {
  eventsTableArn: "arn:aws:dynamodb:us-east-1:111122223333:table/LiveInsight-qa-Events",
  sessionsTableArn: "arn:aws:dynamodb:us-east-1:111122223333:table/LiveInsight-qa-Sessions",
  activeSessionsTableArn: "arn:aws:dynamodb:us-east-1:111122223333:table/LiveInsight-qa-ActiveSessions",
};

describe("components/iam", () => {
  it("lets only the Lambda service assume a function role", () => {
    expect(lambdaAssumeRolePolicy()).to.deep.equal({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
    });
  });

  it("grants the collector exactly the writes its code sends, each on its own table", () => {
    const logGroupArn = "arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/LiveInsight-qa-collector";
    expect(collectorPolicy({ ...ARNS, logGroupArn })).to.deep.equal({
      Version: "2012-10-17",
      Statement: [
        { Sid: "WriteEvents", Effect: "Allow", Action: ["dynamodb:BatchWriteItem"], Resource: [ARNS.eventsTableArn] },
        { Sid: "UpdateSessions", Effect: "Allow", Action: ["dynamodb:UpdateItem"], Resource: [ARNS.sessionsTableArn] },
        {
          Sid: "TrackActiveSessions",
          Effect: "Allow",
          Action: ["dynamodb:PutItem", "dynamodb:DeleteItem"],
          Resource: [ARNS.activeSessionsTableArn],
        },
        { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`${logGroupArn}:*`] },
      ],
    });
  });

  it("grants the realtime function a Scan of ActiveSessions and nothing else", () => {
    const logGroupArn = "arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/LiveInsight-qa-realtime";
    expect(realtimePolicy({ activeSessionsTableArn: ARNS.activeSessionsTableArn, logGroupArn })).to.deep.equal({
      Version: "2012-10-17",
      Statement: [
        { Sid: "ReadActiveSessions", Effect: "Allow", Action: ["dynamodb:Scan"], Resource: [ARNS.activeSessionsTableArn] },
        { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`${logGroupArn}:*`] },
      ],
    });
  });

  it("never uses a wildcard action or a bare * resource", () => {
    const logGroupArn = "arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/x";
    for (const doc of [collectorPolicy({ ...ARNS, logGroupArn }), realtimePolicy({ ...ARNS, logGroupArn })]) {
      for (const statement of doc.Statement) {
        for (const action of statement.Action) expect(action).to.match(/^[a-z]+:[A-Za-z]+$/);
        for (const resource of statement.Resource) expect(resource).to.match(/^arn:aws:(dynamodb|logs):us-east-1:111122223333:/);
      }
    }
  });
});
