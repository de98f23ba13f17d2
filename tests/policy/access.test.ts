import { expect } from "chai";
import { messagesOf, toResources, UNKNOWN, urnOf } from "./fixtures";

const PERMISSION = "aws:lambda/permission:Permission";
const API = "aws:apigatewayv2/api:Api";
const permission = (props: Record<string, unknown>, propertyDependencies: Record<string, string[]> = {}) =>
  toResources({
    api: { type: API, props: { name: "LiveInsight-test" } },
    "events-permission": { type: PERMISSION, props, propertyDependencies },
  });
const BASE = { action: "lambda:InvokeFunction", function: "f", principal: "apigateway.amazonaws.com" };

describe("policy lambda-permission-source-arn", () => {
  const check = (r: ReturnType<typeof permission>) => messagesOf("lambda-permission-source-arn", r);
  it("accepts a sourceArn scoped to one API", async () => {
    expect(await check(permission({ ...BASE, sourceArn: "arn:aws:execute-api:us-east-1:123456789012:abc123/*/*/events" }))).to.deep.equal(
      [],
    );
  });
  it("rejects a sourceArn with a wildcard API id", async () => {
    expect(await check(permission({ ...BASE, sourceArn: "arn:aws:execute-api:us-east-1:123456789012:*/*/*/events" }))).to.deep.equal([
      'Lambda permission "events-permission" has sourceArn "arn:aws:execute-api:us-east-1:123456789012:*/*/*/events", which is not scoped to one API; use arn:…:execute-api:<region>:<account>:<api id>/….',
    ]);
  });
  it("rejects a missing sourceArn", async () => {
    expect(await check(permission(BASE))).to.deep.equal([
      'Lambda permission "events-permission" lets API Gateway invoke the function without a sourceArn, so every API in every account may; set sourceArn to one API\'s execution ARN.',
    ]);
  });
  it("at preview accepts an unknown sourceArn computed from an API, not one from nowhere", async () => {
    expect(await check(permission({ ...BASE, sourceArn: UNKNOWN }, { sourceArn: [urnOf(API, "api")] }))).to.deep.equal([]);
    expect(await check(permission({ ...BASE, sourceArn: UNKNOWN }))).to.deep.equal([
      'Lambda permission "events-permission" has a sourceArn that is not known yet and is not computed from an API; set it to one API\'s execution ARN.',
    ]);
  });
});

describe("policy apigatewayv2-stage-access-logging", () => {
  const stage = (props: Record<string, unknown>) => toResources({ stage: { type: "aws:apigatewayv2/stage:Stage", props } });
  it("accepts access logs, also with a destination unknown at preview", async () => {
    expect(
      await messagesOf("apigatewayv2-stage-access-logging", stage({ accessLogSettings: { destinationArn: UNKNOWN, format: "{}" } })),
    ).to.deep.equal([]);
  });
  it("rejects a stage without access logs", async () => {
    expect(await messagesOf("apigatewayv2-stage-access-logging", stage({ name: "$default" }))).to.deep.equal([
      'API stage "stage" has no accessLogSettings.destinationArn, so requests leave no access log; send them to a log group.',
    ]);
  });
});

describe("policy lambda-function-url-auth", () => {
  it("rejects a function URL without authentication", async () => {
    const url = (authorizationType: string) =>
      toResources({ url: { type: "aws:lambda/functionUrl:FunctionUrl", props: { functionName: "f", authorizationType } } });
    expect(await messagesOf("lambda-function-url-auth", url("AWS_IAM"))).to.deep.equal([]);
    expect(await messagesOf("lambda-function-url-auth", url("NONE"))).to.deep.equal([
      'Lambda function URL "url" has authorizationType "NONE", so anyone on the internet can invoke the function; the required value is "AWS_IAM".',
    ]);
  });
});

describe("policies iam-no-public-principal and iam-no-admin-policy-attachments", () => {
  const trust = (principal: unknown) =>
    toResources({
      role: {
        type: "aws:iam/role:Role",
        props: {
          assumeRolePolicy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: principal, Action: "sts:AssumeRole" }],
          }),
        },
      },
    });
  it('rejects Principal "*" in a trust policy', async () => {
    expect(await messagesOf("iam-no-public-principal", trust({ Service: "lambda.amazonaws.com" }))).to.deep.equal([]);
    expect(await messagesOf("iam-no-public-principal", trust({ AWS: "*" }))).to.deep.equal([
      'IAM role "role" assumeRolePolicy statement 1 allows Principal "*", which is every AWS account; name the service or account.',
    ]);
  });
  it("rejects an AdministratorAccess attachment", async () => {
    const attachment = toResources({
      admin: {
        type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        props: { role: "r", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" },
      },
    });
    expect(await messagesOf("iam-no-admin-policy-attachments", attachment)).to.deep.equal([
      'IAM policy attachment "admin" attaches "arn:aws:iam::aws:policy/AdministratorAccess", which grants administrative access; attach a policy with only the actions needed.',
    ]);
  });
});
