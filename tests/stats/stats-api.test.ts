import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { MOCK_ACCOUNT_ID, ProgramMocks } from "../../scripts/lib/program-mocks";

const recorded: pulumi.runtime.MockResourceArgs[] = [];
class RecordingMocks extends ProgramMocks {
  newResource(args: pulumi.runtime.MockResourceArgs) {
    recorded.push(args);
    return super.newResource(args);
  }
}

const settings = {
  hotRetentionDays: 7,
  sdkMaxAttempts: 3,
  sdkRetryMode: "standard" as const,
  trustedProxyHops: 0,
  realtimePeakWriteUnits: 1000,
  sites: [],
};
const output = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));

describe("components/stats-api (Pulumi mocks)", () => {
  let component: import("../../components/stats-api").StatsApi;
  before(async () => {
    // Mocks first, then the component module (it imports @pulumi/aws).
    await pulumi.runtime.setMocks(new RecordingMocks("us-east-1"), "liveinsight", "dev", false);
    const { StatsApi } = require("../../components/stats-api") as typeof import("../../components/stats-api");
    component = new StatsApi("stats", {
      stack: "dev",
      activeSessionsTableName: "LiveInsight-dev-ActiveSessions",
      archiveBucketName: "liveinsight-dev-archive",
      databaseName: "liveinsight_dev",
      tableName: "events",
      workgroupName: "LiveInsight-dev",
      resultsBucketName: "liveinsight-dev-athena-results",
      resultsPrefix: "stats/",
      architecture: "arm64",
      logRetentionDays: 30,
      throttleRateLimit: 10,
      throttleBurstLimit: 20,
      functionSettings: settings,
      retentionDays: 90,
    });
    await output(component.dashboardUrl);
    await output(component.keySecretArn);
  });

  const ofType = (type: string) => recorded.filter((r) => r.type === type);

  it("puts the three paths on an API of its own with no CORS configuration, each GET to the stats function", () => {
    const [api] = ofType("aws:apigatewayv2/api:Api");
    expect(api.inputs).to.deep.equal({ name: "LiveInsight-dev-stats", protocolType: "HTTP", description: "LiveInsight stats API (dev)" });
    expect(ofType("aws:apigatewayv2/route:Route").map((r) => r.inputs.routeKey)).to.deep.equal([
      "GET /stats",
      "GET /stats/realtime",
      "GET /dashboard",
    ]);
    const [integration] = ofType("aws:apigatewayv2/integration:Integration");
    expect(integration.inputs).to.include({ integrationType: "AWS_PROXY", payloadFormatVersion: "2.0", timeoutMilliseconds: 30_000 });
  });

  it("gives the function the secret's name, the Athena names and a timeout below the integration's", () => {
    const [fn] = ofType("aws:lambda/function:Function");
    expect(fn.inputs).to.include({ name: "LiveInsight-dev-stats", timeout: 29, memorySize: 512, runtime: "nodejs22.x" });
    expect(fn.inputs.environment.variables).to.include({
      STATS_KEY_SECRET: "LiveInsight-dev-stats-key",
      ATHENA_WORKGROUP: "LiveInsight-dev",
      ATHENA_DATABASE: "liveinsight_dev",
      ATHENA_TABLE: "events",
      ACTIVE_SESSIONS_TABLE: "LiveInsight-dev-ActiveSessions",
      STATS_RETENTION_DAYS: "90",
      HOT_RETENTION_DAYS: "7",
    });
    expect(Object.values(fn.inputs.environment.variables).join(" ")).not.to.match(/[A-Za-z0-9_-]{43}/);
  });

  it("generates the key once as a secret value kept out of every output", async () => {
    const [version] = ofType("aws:secretsmanager/secretVersion:SecretVersion");
    // A Pulumi secret reaches the engine wrapped with its signature, so the state keeps it encrypted.
    const wrapped = version.inputs.secretString;
    expect(wrapped[pulumi.runtime.specialSigKey]).to.equal(pulumi.runtime.specialSecretSig);
    expect(wrapped.value).to.match(/^[A-Za-z0-9_-]{43}$/);
    const [secret] = ofType("aws:secretsmanager/secret:Secret");
    expect(secret.inputs.name).to.equal("LiveInsight-dev-stats-key");
    const outputs = JSON.stringify([
      await output(component.url),
      await output(component.dashboardUrl),
      await output(component.keySecretArn),
    ]);
    expect(outputs).not.to.include(wrapped.value);
  });

  it("grants exactly the Athena, Glue, S3, Secrets Manager, DynamoDB and log actions the function uses", () => {
    const [policy] = ofType("aws:iam/rolePolicy:RolePolicy");
    const doc = JSON.parse(policy.inputs.policy);
    const a = `us-east-1:${MOCK_ACCOUNT_ID}`;
    expect(doc.Statement.map((s: { Sid: string; Action: string[]; Resource: string[] }) => [s.Sid, s.Action, s.Resource])).to.deep.equal([
      [
        "RunStatsQueries",
        ["athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults", "athena:StopQueryExecution"],
        [`arn:aws:athena:${a}:workgroup/LiveInsight-dev`],
      ],
      [
        "ReadArchiveCatalog",
        ["glue:GetDatabase", "glue:GetTable"],
        [`arn:aws:glue:${a}:catalog`, `arn:aws:glue:${a}:database/liveinsight_dev`, `arn:aws:glue:${a}:table/liveinsight_dev/events`],
      ],
      ["ListArchive", ["s3:ListBucket", "s3:GetBucketLocation"], ["arn:aws:s3:::liveinsight-dev-archive"]],
      ["ReadArchive", ["s3:GetObject"], ["arn:aws:s3:::liveinsight-dev-archive/events/*"]],
      ["ListResults", ["s3:ListBucket", "s3:GetBucketLocation"], ["arn:aws:s3:::liveinsight-dev-athena-results"]],
      [
        "WriteResults",
        ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"],
        ["arn:aws:s3:::liveinsight-dev-athena-results/stats/*"],
      ],
      ["ReadStatsKey", ["secretsmanager:GetSecretValue"], [`arn:aws:secretsmanager:${a}:secret:LiveInsight-dev-stats-key-??????`]],
      ["ReadRealtimeCounters", ["dynamodb:BatchGetItem"], [`arn:aws:dynamodb:${a}:table/LiveInsight-dev-ActiveSessions`]],
      ["WriteOwnLogs", ["logs:CreateLogStream", "logs:PutLogEvents"], [`arn:aws:logs:${a}:log-group:/aws/lambda/LiveInsight-dev-stats:*`]],
    ]);
  });
});
