import { readFileSync } from "node:fs";
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { ofType, ProgramMocks, type ProgramRun, runProgram, runProgramWithOutputs } from "../../scripts/lib/program-harness";

const COMPONENT_TYPES = [
  "liveinsight:storage:AnalyticsTables",
  "liveinsight:api:CollectorApi",
  "liveinsight:archive:HistoryArchive",
  "liveinsight:observability:Observability",
  "liveinsight:stats:StatsApi",
];

function countByType(run: ProgramRun): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of run.resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

/** What index.ts builds in every stack; prod adds the alarm e-mail subscription. */
const BASE_COUNTS: Record<string, number> = {
  "aws:apigatewayv2/api:Api": 2, // the collector's and the stats API
  "aws:apigatewayv2/integration:Integration": 3,
  "aws:apigatewayv2/route:Route": 21, // 3 paths × 6 methods (contracts/edge.ts), no ANY or OPTIONS; 3 GET stats paths
  "aws:apigatewayv2/stage:Stage": 2,
  "aws:athena/workgroup:Workgroup": 1,
  "aws:cloudwatch/dashboard:Dashboard": 1,
  "aws:cloudwatch/logGroup:LogGroup": 7, // both APIs' access logs, collector, realtime, archiver, compaction, stats
  "aws:cloudwatch/logMetricFilter:LogMetricFilter": 7,
  // The symptom alarms (docs/operations.md): 7 of the functions and the API + archive lag, failed batches, archiver and compaction errors + stats errors, throttles
  "aws:cloudwatch/metricAlarm:MetricAlarm": 13,
  "aws:dynamodb/table:Table": 3,
  "aws:glue/catalogDatabase:CatalogDatabase": 1,
  "aws:glue/catalogTable:CatalogTable": 1,
  "aws:iam/role:Role": 6, // five functions and the compaction schedule
  "aws:iam/rolePolicy:RolePolicy": 6,
  "aws:lambda/eventSourceMapping:EventSourceMapping": 1,
  "aws:lambda/function:Function": 5,
  "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": 5,
  "aws:lambda/permission:Permission": 4,
  "aws:s3/bucket:Bucket": 2, // the archive and Athena's results
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": 2,
  "aws:s3/bucketPolicy:BucketPolicy": 2,
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": 2,
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": 2,
  "aws:scheduler/schedule:Schedule": 1,
  "aws:secretsmanager/secret:Secret": 1,
  "aws:secretsmanager/secretVersion:SecretVersion": 1,
  "aws:sns/topic:Topic": 1,
  "aws:sqs/queue:Queue": 1,
  "liveinsight:api:CollectorApi": 1,
  "liveinsight:archive:HistoryArchive": 1,
  "liveinsight:observability:Observability": 1,
  "liveinsight:stats:StatsApi": 1,
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
    it(`${stack}: the five components are top-level and every other resource belongs to one of them`, () => {
      const components = runs[stack].resources.filter((r) => !r.custom);
      expect(components.map((c) => c.type).sort()).to.deep.equal([...COMPONENT_TYPES].sort());
      for (const c of components) expect(c.parent, c.type).to.equal(undefined);
      const componentUrns = new Set(components.map((c) => c.urn));
      for (const r of runs[stack].resources.filter((r) => r.custom))
        expect(componentUrns.has(r.parent!), `${r.type} ${r.name}`).to.equal(true);
      for (const r of runs[stack].resources) expect(r.urn.startsWith(`urn:pulumi:${stack}::liveinsight::`), r.urn).to.equal(true);
    });

    it(`${stack}: exports the URLs, table names, dashboard URL, alarm topic, the archive's bucket, queue, database and workgroup, and the stats URLs and key secret`, () => {
      const api = `https://liveinsight${stack}mock.execute-api.us-east-1.amazonaws.com`;
      const statsApi = `https://liveinsight${stack}statsmock.execute-api.us-east-1.amazonaws.com`;
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
        statsUrl: statsApi,
        statsDashboardUrl: `${statsApi}/dashboard`,
        statsKeySecretName: `LiveInsight-${stack}-stats-key`,
        statsKeySecretArn: `arn:aws:secretsmanager:us-east-1:123456789012:secret:LiveInsight-${stack}-stats-key-AbCdEf`,
      });
    });

    it(`${stack}: builds the stats API from the archive's bucket, database, table, workgroup and result location, and the live-count table`, () => {
      const run = runs[stack];
      const byName = (type: string, name: string) => ofType(run.resources, type).find((r) => r.name === name)!;
      const fn = byName("aws:lambda/function:Function", "stats");
      const workgroup = byName("aws:athena/workgroup:Workgroup", "archive-workgroup");
      expect(fn.inputs.environment.variables).to.deep.include({
        ACTIVE_SESSIONS_TABLE: `LiveInsight-${stack}-ActiveSessions`,
        ATHENA_WORKGROUP: workgroup.inputs.name,
        ATHENA_DATABASE: `liveinsight_${stack}`,
        ATHENA_TABLE: "events",
        STATS_KEY_SECRET: `LiveInsight-${stack}-stats-key`,
        STATS_RETENTION_DAYS: stack === "dev" ? "30" : "395", // eventRetentionDays of Pulumi.<stack>.yaml
      });
      expect(fn.inputs).to.deep.include({ memorySize: 512, timeout: 29, tags: { "liveinsight:workload": "query" } });
      const statements = JSON.parse(byName("aws:iam/rolePolicy:RolePolicy", "stats-policy").inputs.policy).Statement as {
        Sid: string;
        Resource: string[];
      }[];
      const resources = (sid: string) => statements.find((s) => s.Sid === sid)!.Resource;
      // The workgroup enforces its result location: the function may write there and nowhere else.
      const location = workgroup.inputs.configuration.resultConfiguration.outputLocation as string;
      expect(resources("WriteResults")).to.deep.equal([`arn:aws:s3:::${location.replace(/^s3:\/\//, "")}*`]);
      // Built from names (known at a first preview), they name exactly the archive's resources.
      const bucket = (n: string) => byName("aws:s3/bucket:Bucket", n).inputs.bucket as string;
      expect(resources("ReadArchive")).to.deep.equal([`arn:aws:s3:::${bucket("archive-bucket")}/events/*`]);
      expect(resources("ListResults")).to.deep.equal([`arn:aws:s3:::${bucket("archive-results")}`]);
      expect(resources("RunStatsQueries")).to.deep.equal([`arn:aws:athena:us-east-1:123456789012:workgroup/${workgroup.inputs.name}`]);
      const database = ofType(run.resources, "aws:glue/catalogDatabase:CatalogDatabase")[0]!.inputs.name;
      const table = ofType(run.resources, "aws:glue/catalogTable:CatalogTable")[0]!.inputs.name;
      expect(resources("ReadArchiveCatalog")).to.deep.equal([
        "arn:aws:glue:us-east-1:123456789012:catalog",
        `arn:aws:glue:us-east-1:123456789012:database/${database}`,
        `arn:aws:glue:us-east-1:123456789012:table/${database}/${table}`,
      ]);
      const stage = byName("aws:apigatewayv2/stage:Stage", "stats-stage");
      expect(stage.inputs.defaultRouteSettings).to.deep.equal({ throttlingRateLimit: 10, throttlingBurstLimit: 20 });
    });

    it(`${stack}: the stats key is in no stack output, no component output and no resource input but its secret version's, as a Pulumi secret`, () => {
      const run = runs[stack];
      const versions = ofType(run.resources, "aws:secretsmanager/secretVersion:SecretVersion");
      expect(versions).to.have.length(1);
      const wrapped = versions[0]!.wire.inputs.secretString as any;
      expect(wrapped[pulumi.runtime.specialSigKey]).to.equal(pulumi.runtime.specialSecretSig);
      const key = wrapped.value as string;
      expect(key).to.match(/^[A-Za-z0-9_-]{43}$/);
      expect(JSON.stringify(run.outputs)).not.to.include(key);
      for (const r of run.resources) {
        expect(JSON.stringify(r.outputs ?? {}), `${r.type} ${r.name} outputs`).not.to.include(key);
        if (r === versions[0]) continue;
        expect(JSON.stringify(r.wire.inputs), `${r.type} ${r.name} inputs`).not.to.include(key);
      }
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
    const collectorApi = (resources: ProgramRun["resources"]) =>
      ofType(resources, "aws:apigatewayv2/api:Api").find((a) => a.name === "api-http")!;
    const origins = (stack: string) => collectorApi(runs[stack].resources).inputs.corsConfiguration.allowOrigins;
    // The stats API has no CORS configuration at all: no origin gets a permissive answer.
    expect(ofType(runs.prod.resources, "aws:apigatewayv2/api:Api").find((a) => a.name === "stats-http")!.inputs).not.to.have.property(
      "corsConfiguration",
    );
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
      expect(collectorApi(resources).inputs.corsConfiguration.allowOrigins).to.deep.equal([
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
      // The API's two functions take memorySize; the archiver, compaction and stats their own settings.
      expect(memoryOf(again)).to.deep.equal({
        "api-collector": 1024,
        "api-realtime": 1024,
        "archive-archiver": 512,
        "archive-compaction": 1024,
        stats: 512,
      });
      const prodAgain = await runProgram({ stack: "prod" });
      expect(memoryOf(prodAgain)).to.deep.equal({
        "api-collector": 512,
        "api-realtime": 512,
        "archive-archiver": 512,
        "archive-compaction": 1024,
        stats: 512,
      });
      const statsMemory = await runProgram({ stack: "dev", config: { statsMemorySize: 1536 } });
      expect(memoryOf(statsMemory).stats).to.equal(1536);
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
