import { readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { ofType, ProgramMocks, type ProgramRun, runProgram, runProgramWithOutputs } from "../../scripts/lib/program-harness";

const COMPONENT_TYPES = [
  "liveinsight:storage:AnalyticsTables",
  "liveinsight:api:CollectorApi",
  "liveinsight:archive:HistoryArchive",
  "liveinsight:observability:Observability",
];

function countByType(run: ProgramRun): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of run.resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

/** What index.ts builds in every stack; prod adds the alarm e-mail subscription. */
const BASE_COUNTS: Record<string, number> = {
  "aws:apigatewayv2/api:Api": 1,
  "aws:apigatewayv2/integration:Integration": 2,
  "aws:apigatewayv2/route:Route": 18, // 3 paths × 6 methods (contracts/edge.ts), no ANY or OPTIONS
  "aws:apigatewayv2/stage:Stage": 1,
  "aws:athena/workgroup:Workgroup": 1,
  "aws:cloudwatch/dashboard:Dashboard": 1,
  "aws:cloudwatch/logGroup:LogGroup": 5, // API access log, collector, realtime, archiver, compaction
  "aws:cloudwatch/logMetricFilter:LogMetricFilter": 7,
  // The symptom alarms (docs/operations.md): 7 of the functions and the API + archive lag, failed batches, archiver and compaction errors
  "aws:cloudwatch/metricAlarm:MetricAlarm": 11,
  "aws:dynamodb/table:Table": 3,
  "aws:glue/catalogDatabase:CatalogDatabase": 1,
  "aws:glue/catalogTable:CatalogTable": 1,
  "aws:iam/role:Role": 5, // four functions and the compaction schedule
  "aws:iam/rolePolicy:RolePolicy": 5,
  "aws:lambda/eventSourceMapping:EventSourceMapping": 1,
  "aws:lambda/function:Function": 4,
  "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": 4,
  "aws:lambda/permission:Permission": 3,
  "aws:s3/bucket:Bucket": 2, // the archive and Athena's results
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": 2,
  "aws:s3/bucketPolicy:BucketPolicy": 2,
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": 2,
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": 2,
  "aws:scheduler/schedule:Schedule": 1,
  "aws:sns/topic:Topic": 1,
  "aws:sqs/queue:Queue": 1,
  "liveinsight:api:CollectorApi": 1,
  "liveinsight:archive:HistoryArchive": 1,
  "liveinsight:observability:Observability": 1,
  "liveinsight:storage:AnalyticsTables": 1,
};

describe("index.ts (the whole program under mocks)", () => {
  const runs: Record<string, ProgramRun> = {};
  before(async () => {
    runs.dev = await runProgramWithOutputs({ stack: "dev" });
    runs.prod = await runProgramWithOutputs({ stack: "prod" });
  });

  it("builds the dev stack from exactly these resources", () => {
    expect(countByType(runs.dev)).to.deep.equal(BASE_COUNTS);
  });

  it("builds the prod stack from the same resources plus the alarm e-mail subscription and one concurrency alarm per function", () => {
    expect(countByType(runs.prod)).to.deep.equal({
      ...BASE_COUNTS,
      "aws:sns/topicSubscription:TopicSubscription": 1,
      "aws:cloudwatch/metricAlarm:MetricAlarm": BASE_COUNTS["aws:cloudwatch/metricAlarm:MetricAlarm"]! + 2,
    });
    const [subscription] = ofType(runs.prod.resources, "aws:sns/topicSubscription:TopicSubscription");
    expect(subscription.inputs).to.deep.include({ protocol: "email", endpoint: "oncall@example.com" });
  });

  for (const stack of ["dev", "prod"]) {
    it(`${stack}: the four components are top-level and every other resource belongs to one of them`, () => {
      const components = runs[stack].resources.filter((r) => !r.custom);
      expect(components.map((c) => c.type).sort()).to.deep.equal([...COMPONENT_TYPES].sort());
      for (const c of components) expect(c.parent, c.type).to.equal(undefined);
      const componentUrns = new Set(components.map((c) => c.urn));
      for (const r of runs[stack].resources.filter((r) => r.custom))
        expect(componentUrns.has(r.parent!), `${r.type} ${r.name}`).to.equal(true);
      for (const r of runs[stack].resources) expect(r.urn.startsWith(`urn:pulumi:${stack}::liveinsight::`), r.urn).to.equal(true);
    });

    it(`${stack}: exports the URLs, table names, dashboard URL, alarm topic and the archive's bucket, queue, database and workgroup`, () => {
      const api = `https://liveinsight${stack}mock.execute-api.us-east-1.amazonaws.com`;
      expect(runs[stack].outputs).to.deep.equal({
        apiUrl: api,
        eventsUrl: `${api}/events`,
        realtimeUrl: `${api}/realtime`,
        trackerUrl: `${api}/tracker.js`,
        eventsTableName: `LiveInsight-${stack}-Events`,
        sessionsTableName: `LiveInsight-${stack}-Sessions`,
        activeSessionsTableName: `LiveInsight-${stack}-ActiveSessions`,
        dashboardUrl: `https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards/dashboard/LiveInsight-${stack}`,
        alarmTopicArn: `arn:aws:sns:us-east-1:123456789012:LiveInsight-${stack}-alarms`,
        archiveBucketName: `liveinsight-${stack}-123456789012-us-east-1-archive`,
        archiveFailureQueueUrl: `https://sqs.us-east-1.amazonaws.com/123456789012/LiveInsight-${stack}-archive-failures`,
        archiveDatabaseName: `liveinsight_${stack}`,
        athenaWorkgroupName: `LiveInsight-${stack}`,
      });
    });

    it(`${stack}: wires Observability to both functions' log groups, the access log, both functions, the API stage and the tables`, () => {
      const groups = ofType(runs[stack].resources, "aws:cloudwatch/logMetricFilter:LogMetricFilter").map(
        (f) => f.inputs.logGroupName as string,
      );
      const count = (g: string) => groups.filter((x) => x === g).length;
      expect([
        count(`/aws/lambda/LiveInsight-${stack}-collector`),
        count(`/aws/lambda/LiveInsight-${stack}-realtime`),
        count(`/aws/vendedlogs/apigateway/LiveInsight-${stack}/access`),
      ]).to.deep.equal([5, 1, 1]);
      const dimensions = ofType(runs[stack].resources, "aws:cloudwatch/metricAlarm:MetricAlarm").flatMap((alarm) => [
        alarm.inputs.dimensions ?? {},
        ...(alarm.inputs.metricQueries ?? []).map((q: any) => q.metric?.dimensions ?? {}),
      ]);
      const values = new Set(dimensions.flatMap((d) => Object.values(d)));
      for (const expected of [
        `LiveInsight-${stack}-collector`,
        `LiveInsight-${stack}-realtime`,
        `liveinsight${stack}mock`,
        "$default",
        stack,
      ]) {
        expect(values.has(expected), expected).to.equal(true);
      }
      // The tables' alarms are diagnostic (off in both stacks); the dashboard plots every table.
      const [dashboard] = ofType(runs[stack].resources, "aws:cloudwatch/dashboard:Dashboard");
      expect(dashboard.inputs.dashboardName).to.equal(`LiveInsight-${stack}`);
      for (const table of ["Events", "Sessions", "ActiveSessions"])
        expect(dashboard.inputs.dashboardBody, table).to.contain(`"TableName","LiveInsight-${stack}-${table}"`);
    });
  }

  it("derives the API's CORS origins from the sites' hosts (prod: the two listed, never *) and gives the collector the site table", () => {
    const origins = (stack: string) => ofType(runs[stack].resources, "aws:apigatewayv2/api:Api")[0]!.inputs.corsConfiguration.allowOrigins;
    expect(origins("dev")).to.deep.equal(["*"]);
    expect(origins("prod")).to.deep.equal(["https://www.example.com", "https://example.com"]);
    const collector = ofType(runs.prod.resources, "aws:lambda/function:Function").find((f) => f.name.includes("collector"))!;
    expect([collector.inputs.environment.variables.SITES, collector.inputs.environment.variables.DEFAULT_SITE]).to.deep.equal([
      '[{"id":"www","hosts":["example.com","www.example.com"]}]',
      "",
    ]);
    return runProgram({
      stack: "qa",
      config: {
        "aws:region": "eu-west-1",
        "liveinsight:corsOrigins": "[]",
        "liveinsight:sites": '[{"id":"shop","hosts":["shop.io","*.shop.io","localhost:8080"]}]',
      },
    }).then((resources) =>
      expect(ofType(resources, "aws:apigatewayv2/api:Api")[0]!.inputs.corsConfiguration.allowOrigins).to.deep.equal([
        "https://shop.io",
        "https://*",
        "http://localhost:8080",
      ]),
    );
  });

  it("docs/deploy.md's stack-outputs table lists exactly the program's outputs, each with what it is for", () => {
    const doc = readFileSync(path.join(__dirname, "..", "..", "docs", "deploy.md"), "utf8");
    const section = /## Stack outputs\n([\s\S]*?)\n## /.exec(doc)?.[1] ?? "";
    const rows = [...section.matchAll(/^\| `([A-Za-z]+)` +\| (.+?) +\|$/gm)].map((m) => [m[1], m[2]]);
    expect(rows.map(([name]) => name).sort()).to.deep.equal(Object.keys(runs.prod.outputs).sort());
    for (const [name, purpose] of rows) expect(purpose, name).to.have.length.greaterThan(10);
  });

  it("uses no wildcard IAM action or resource anywhere in either stack", () => {
    for (const stack of ["dev", "prod"]) {
      for (const policy of ofType(runs[stack].resources, "aws:iam/rolePolicy:RolePolicy")) {
        for (const s of JSON.parse(policy.inputs.policy).Statement) {
          expect(
            s.Action.filter((a: string) => a.includes("*")),
            policy.name,
          ).to.deep.equal([]);
          expect(
            s.Resource.filter((r: string) => r === "*" || r.endsWith(":*:*")),
            policy.name,
          ).to.deep.equal([]);
        }
      }
    }
  });

  describe("harness", () => {
    it("keeps runs apart: a later run sees only its own stack's config and resources", async () => {
      const again = await runProgram({ stack: "dev", config: { memorySize: 1024 } });
      expect(again).to.have.length(runs.dev.resources.length);
      for (const r of again) expect(r.urn.startsWith("urn:pulumi:dev::"), r.urn).to.equal(true);
      const memoryOf = (run: typeof again) =>
        Object.fromEntries(ofType(run, "aws:lambda/function:Function").map((f) => [f.name, f.inputs.memorySize]));
      // The API's two functions take memorySize; the archiver and compaction their own settings.
      expect(memoryOf(again)).to.deep.equal({
        "api-collector": 1024,
        "api-realtime": 1024,
        "archive-archiver": 512,
        "archive-compaction": 1024,
      });
      const prodAgain = await runProgram({ stack: "prod" });
      expect(memoryOf(prodAgain)).to.deep.equal({
        "api-collector": 512,
        "api-realtime": 512,
        "archive-archiver": 512,
        "archive-compaction": 1024,
      });
    });

    it("mocks answer the invokes the program may use and throw on any other", () => {
      const mocks = new ProgramMocks("eu-west-1");
      expect(mocks.call({ token: "aws:index/getRegion:getRegion", inputs: {} })).to.deep.include({
        name: "eu-west-1",
        region: "eu-west-1",
      });
      expect(mocks.call({ token: "aws:index/getCallerIdentity:getCallerIdentity", inputs: {} })).to.deep.include({
        accountId: "123456789012",
      });
      expect(() => mocks.call({ token: "aws:ec2/getVpc:getVpc", inputs: {} })).to.throw(
        "program-harness: unexpected invoke aws:ec2/getVpc:getVpc; add it to ProgramMocks.call if the program really needs it",
      );
    });

    it("reports an invalid stack setting as a ConfigError naming the stack file", async () => {
      const error = await runProgram({ stack: "prod", config: { memorySize: 64 } }).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error?.name).to.equal("ConfigError");
      expect(error?.message).to.equal("liveinsight:memorySize must be between 128 and 10240 MB; got 64 in Pulumi.prod.yaml");
    });

    it("reports a missing stack file as a ConfigError", async () => {
      const error = await runProgram({ stack: "nosuchstack" }).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error?.name).to.equal("ConfigError");
      expect(error?.message).to.equal('No config file for stack "nosuchstack": Pulumi.nosuchstack.yaml does not exist.');
    });

    it("runs a stack without a file from Pulumi.yaml defaults when config is given explicitly", async () => {
      const resources = await runProgram({ stack: "qa", config: { "aws:region": "eu-west-1" } });
      const fn = ofType(resources, "aws:lambda/function:Function").find((f) => f.name === "api-collector")!;
      expect(fn.inputs).to.deep.include({
        name: "LiveInsight-qa-collector",
        memorySize: 256,
        timeout: 10,
        reservedConcurrentExecutions: -1,
      });
      const [table] = ofType(resources, "aws:dynamodb/table:Table");
      expect(table.protect).to.equal(false);
    });
  });
});
