/**
 * docs/deploy-policy.json is maintained by hand; docs/deploy-policy-types.json names, for every
 * Pulumi resource type the program registers, the statements that cover it. These tests run the
 * program under mocks for dev and prod and fail when a registered type has no statement, when a
 * statement covers nothing, when a resource's ARN falls outside its statements, or when the policy
 * breaks an IAM rule.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { MOCK_ACCOUNT_ID, REPO_ROOT, type RecordedResource, runProgram } from "../../scripts/lib/program-harness";

interface Statement {
  Sid: string;
  Effect: string;
  Action: string[];
  Resource: string[];
  Condition?: unknown;
}

const readDoc = (name: string) => JSON.parse(readFileSync(path.join(REPO_ROOT, "docs", name), "utf8"));
/** Two customer-managed policies (each has its own 6,144-character quota): the collector's, and the history archive's. */
const DOCUMENTS: Record<string, { Version: string; Statement: Statement[] }> = {
  "deploy-policy.json": readDoc("deploy-policy.json"),
  "deploy-policy-archive.json": readDoc("deploy-policy-archive.json"),
};
const POLICY = { Version: "2012-10-17", Statement: Object.values(DOCUMENTS).flatMap((d) => d.Statement) };
const SIDS_BY_TYPE: Record<string, string[]> = readDoc("deploy-policy-types.json");

/** The default AWS provider is a resource of every stack (it calls sts:GetCallerIdentity), but mocks do not record it. */
const PROVIDER = "pulumi:providers:aws";
/** Actions AWS does not scope to a resource ("*" only, Service Authorization Reference); docs/deploy.md says why each is needed. */
const UNSCOPED = ["Identity", "AccessLogDelivery", "CreateEventSourceMapping"];

const REGION = "us-east-1";
const arn = (service: string, resource: string, region = REGION) => `arn:aws:${service}:${region}:${MOCK_ACCOUNT_ID}:${resource}`;
// A resource without a name input gets Pulumi's auto-name: the logical name, a dash and 7 random hex digits.
// (Under mocks a role's id, which a role policy receives, is its logical name.)
const autoNamed = (logical: string) => `${logical}-0a1b2c3`;
const apiArn = (apiPath: string) => `arn:aws:apigateway:${REGION}::/apis${apiPath}`;
/** API Gateway's service-linked role (API Gateway Developer Guide, "Using service-linked roles for API Gateway"). */
const API_GATEWAY_SLR = `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/aws-service-role/ops.apigateway.amazonaws.com/AWSServiceRoleForAPIGateway`;

/** The ARNs the provider acts on for one registered resource, as IAM matches them against the statements. */
function arnsOf(r: RecordedResource): string[] {
  const i = r.inputs;
  switch (r.type) {
    case "aws:dynamodb/table:Table":
      return [arn("dynamodb", `table/${i.name}`)];
    case "aws:iam/role:Role":
      return [arn("iam", `role/${autoNamed(r.name)}`, "")];
    case "aws:iam/rolePolicy:RolePolicy":
      return [arn("iam", `role/${autoNamed(i.role)}`, "")];
    case "aws:lambda/function:Function":
      return [arn("lambda", `function:${i.name}`)];
    case "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig":
      return [arn("lambda", `function:${i.functionName}`)];
    case "aws:lambda/permission:Permission":
      return [arn("lambda", `function:${i.function}`)];
    case "aws:cloudwatch/logGroup:LogGroup":
      return [arn("logs", `log-group:${i.name}`)];
    case "aws:cloudwatch/logMetricFilter:LogMetricFilter":
      return [arn("logs", `log-group:${i.logGroupName}`)];
    case "aws:cloudwatch/metricAlarm:MetricAlarm":
      return [arn("cloudwatch", `alarm:${i.name}`)];
    case "aws:cloudwatch/dashboard:Dashboard":
      return [arn("cloudwatch", `dashboard/${i.dashboardName}`, "")];
    case "aws:sns/topic:Topic":
      return [arn("sns", i.name)];
    case "aws:sns/topicSubscription:TopicSubscription":
      return [i.topic, `${i.topic}:8f14e45f-ceea-467a-9575-0b1e5f3c1a2d`];
    case "aws:apigatewayv2/api:Api": {
      const api = apiArn(`/${r.wire.id}`);
      // An account's first API makes API Gateway create its service-linked role, as the caller.
      return [apiArn(""), api, `arn:aws:apigateway:${REGION}::/tags/${encodeURIComponent(api)}`, API_GATEWAY_SLR];
    }
    case "aws:apigatewayv2/stage:Stage":
      return [apiArn(`/${i.apiId}/stages/${i.name}`)];
    case "aws:apigatewayv2/integration:Integration":
      return [apiArn(`/${i.apiId}/integrations/${r.wire.id}`)];
    case "aws:apigatewayv2/route:Route":
      return [apiArn(`/${i.apiId}/routes/${r.wire.id}`)];
    case "aws:s3/bucket:Bucket":
      // forceDestroy empties the bucket first: its objects are deleted as the deploying role.
      return [`arn:aws:s3:::${i.bucket}`, ...(i.forceDestroy ? [`arn:aws:s3:::${i.bucket}/events/dt=2026-01-01/x.parquet`] : [])];
    case "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":
    case "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration":
    case "aws:s3/bucketPolicy:BucketPolicy":
    case "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration":
      return [`arn:aws:s3:::${i.bucket}`];
    case "aws:sqs/queue:Queue":
      return [arn("sqs", i.name)];
    // Glue authorises a database call on the catalog and the database, a table call on all three (Glue Developer Guide, "Specifying AWS Glue resource ARNs").
    case "aws:glue/catalogDatabase:CatalogDatabase":
      return [arn("glue", "catalog"), arn("glue", `database/${i.name}`)];
    case "aws:glue/catalogTable:CatalogTable":
      return [arn("glue", "catalog"), arn("glue", `database/${i.databaseName}`), arn("glue", `table/${i.databaseName}/${i.name}`)];
    case "aws:athena/workgroup:Workgroup":
      return [arn("athena", `workgroup/${i.name}`)];
    case "aws:scheduler/schedule:Schedule":
      return [arn("scheduler", `schedule/default/${i.name}`)];
    case "aws:lambda/eventSourceMapping:EventSourceMapping":
      return [arn("lambda", `event-source-mapping:${r.wire.id}`)];
    // A secret's ARN ends in six random characters; a version is managed through its secret's ARN.
    case "aws:secretsmanager/secret:Secret":
      return [arn("secretsmanager", `secret:${i.name}-AbCdEf`)];
    case "aws:secretsmanager/secretVersion:SecretVersion":
      return [i.secretId];
    default:
      throw new Error(`No ARN for ${r.type} in this test: add how AWS names it to arnsOf.`);
  }
}

/** IAM's ARN wildcards: `*` any run of characters (`/` and `:` included), `?` one character. */
const matches = (pattern: string, target: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
  ).test(target);

const statement = (sid: string) => POLICY.Statement.find((s) => s.Sid === sid);

describe("docs/deploy-policy.json (the deploying role's hand-reviewed least-privilege policy)", () => {
  let resources: RecordedResource[];
  before(async () => {
    resources = [];
    for (const stack of ["dev", "prod"]) resources.push(...(await runProgram({ stack })).filter((r) => r.custom));
  });

  it("names in docs/deploy-policy-types.json every resource type the program registers for dev and prod", () => {
    const registered = [...new Set([PROVIDER, ...resources.map((r) => r.type)])].sort();
    expect(registered, "types without statements, or listed types the program no longer registers").to.deep.equal(
      Object.keys(SIDS_BY_TYPE).sort(),
    );
  });

  it("has every statement a type needs, and no statement that no type needs", () => {
    const needed = [...new Set(Object.values(SIDS_BY_TYPE).flat())].sort();
    expect(POLICY.Statement.map((s) => s.Sid).sort()).to.deep.equal(needed);
  });

  it("covers the ARN of every registered resource with the statements its type names", () => {
    for (const r of resources) {
      const patterns = (SIDS_BY_TYPE[r.type] ?? []).flatMap((sid) => statement(sid)!.Resource);
      for (const target of arnsOf(r))
        expect(
          patterns.some((p) => matches(p, target)),
          `${r.type} ${r.name}: ${target}`,
        ).to.equal(true);
    }
  });

  it("scopes every resource pattern to something the program registers (no leftover grant)", () => {
    for (const s of POLICY.Statement.filter((st) => !UNSCOPED.includes(st.Sid))) {
      const types = Object.keys(SIDS_BY_TYPE).filter((t) => SIDS_BY_TYPE[t].includes(s.Sid));
      const targets = resources.filter((r) => types.includes(r.type)).flatMap(arnsOf);
      for (const p of s.Resource)
        expect(
          targets.some((t) => matches(p, t)),
          `${s.Sid}: ${p} matches no resource`,
        ).to.equal(true);
    }
  });

  it("follows IAM's grammar: version 2012-10-17, unique alphanumeric Sids, Allow only, well-formed ARNs", () => {
    expect(POLICY.Version).to.equal("2012-10-17");
    const sids = POLICY.Statement.map((s) => s.Sid);
    expect(new Set(sids).size, "duplicate Sid").to.equal(sids.length);
    for (const s of POLICY.Statement) {
      expect(s.Sid).to.match(/^[A-Za-z0-9]+$/);
      expect(s.Effect, s.Sid).to.equal("Allow");
      expect(new Set(s.Action).size, `${s.Sid} repeats an action`).to.equal(s.Action.length);
      expect(new Set(s.Resource).size, `${s.Sid} repeats a resource`).to.equal(s.Resource.length);
      for (const r of s.Resource) if (r !== "*") expect(r, s.Sid).to.match(/^arn:aws:[a-z0-9-]+:[a-z0-9-*]*:[0-9*]*:.+$/);
    }
  });

  it("grants no wildcard action, and a wildcard resource only to the actions AWS cannot scope", () => {
    for (const s of POLICY.Statement) {
      for (const action of s.Action) expect(action, s.Sid).to.match(/^[a-z0-9-]+:[A-Za-z0-9]+$/);
      if (s.Resource.includes("*")) {
        expect(UNSCOPED, s.Sid).to.include(s.Sid);
        expect(s.Resource, s.Sid).to.deep.equal(["*"]);
        continue;
      }
      expect(UNSCOPED, `${s.Sid} is scoped`).not.to.include(s.Sid);
      // An action only ever matches resources of its own service: a mismatch is a grant that does nothing.
      for (const r of s.Resource) {
        const service = r.split(":")[2];
        for (const action of s.Action) expect(action.split(":")[0], `${s.Sid}: ${action} on ${r}`).to.equal(service);
        expect(r, s.Sid).to.match(
          /LiveInsight-|liveinsight[-_]|:catalog$|role\/(api-(collector|realtime)|archive-(archiver|compaction|scheduler|\*)|stats)-role-\*|apigateway:\*::\/(apis|tags)|role\/aws-service-role\/ops\.apigateway\.amazonaws\.com\/|event-source-mapping:\*$/,
        );
      }
    }
  });

  it("lets the role pass only the program's function roles, only to Lambda, and the schedule's role only to Scheduler", () => {
    const all = [...new Set(resources.filter((r) => r.type === "aws:iam/role:Role").map((r) => r.name))].sort();
    expect(all).to.deep.equal([
      "api-collector-role",
      "api-realtime-role",
      "archive-archiver-role",
      "archive-compaction-role",
      "archive-scheduler-role",
      "stats-role",
    ]);
    const roles = all.filter((r) => r !== "archive-scheduler-role");
    expect(statement("PassSchedulerRole")).to.deep.equal({
      Sid: "PassSchedulerRole",
      Effect: "Allow",
      Action: ["iam:PassRole"],
      Resource: ["arn:aws:iam::*:role/archive-scheduler-role-*"],
      Condition: { StringEquals: { "iam:PassedToService": "scheduler.amazonaws.com" } },
    });
    expect(statement("PassFunctionRoles")).to.deep.equal({
      Sid: "PassFunctionRoles",
      Effect: "Allow",
      Action: ["iam:PassRole"],
      Resource: roles.map((r) => `arn:aws:iam::*:role/${r}-*`),
      Condition: { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } },
    });
    expect(statement("FunctionRoles")!.Resource).to.deep.equal(statement("PassFunctionRoles")!.Resource);
  });

  it("may create API Gateway's service-linked role, and only that one, for a first deploy in a new account", () => {
    expect(statement("ApiGatewayServiceLinkedRole")).to.deep.equal({
      Sid: "ApiGatewayServiceLinkedRole",
      Effect: "Allow",
      Action: ["iam:CreateServiceLinkedRole"],
      Resource: ["arn:aws:iam::*:role/aws-service-role/ops.apigateway.amazonaws.com/AWSServiceRoleForAPIGateway"],
      Condition: { StringEquals: { "iam:AWSServiceName": "ops.apigateway.amazonaws.com" } },
    });
    const creating = POLICY.Statement.filter((s) => s.Action.includes("iam:CreateServiceLinkedRole")).map((s) => s.Sid);
    expect(creating).to.deep.equal(["ApiGatewayServiceLinkedRole"]);
  });

  it("includes the log-delivery permissions HTTP API access logs need, and every call preflight makes", () => {
    const actions = POLICY.Statement.flatMap((s) => s.Action);
    expect(actions).to.include.members([
      "logs:CreateLogDelivery",
      "logs:PutResourcePolicy",
      "sts:GetCallerIdentity",
      "lambda:GetAccountSettings",
      "lambda:GetFunctionConcurrency",
      "iam:GetRole",
      "iam:SimulatePrincipalPolicy",
    ]);
  });

  it("fits in two customer-managed policies (6,144 characters each without whitespace, IAM quotas)", () => {
    for (const [file, document] of Object.entries(DOCUMENTS)) {
      expect(document.Version, file).to.equal("2012-10-17");
      expect(JSON.stringify(document).length, file).to.be.at.most(6144);
    }
  });

  it("lets the event source mapping calls act only for LiveInsight functions (lambda:FunctionArn)", () => {
    for (const sid of ["EventSourceMappings", "CreateEventSourceMapping"])
      expect(statement(sid)!.Condition, sid).to.deep.equal({
        ArnLike: { "lambda:FunctionArn": "arn:aws:lambda:*:*:function:LiveInsight-*" },
      });
  });
});
