import { expect } from "chai";
import { eventsLocation, projectionParameters, storageDescriptor, workgroupConfiguration } from "../../components/archive-catalog";
import { archiverPolicy, compactionPolicy, schedulerPolicy, tlsOnlyBucketPolicy } from "../../components/archive-iam";
import { ARCHIVE_COLUMNS } from "../../components/archive-layout";
import { COMPACTION_SCHEDULE, INSERTS_ONLY } from "../../components/history-archive";
import { bucketName } from "../../contracts/names";
import { MOCK_ACCOUNT_ID, ofType, type RecordedResource, runProgram } from "../../scripts/lib/program-harness";

const ACCT = MOCK_ACCOUNT_ID;
const REGION = "us-east-1";
const COMPONENT = "liveinsight:archive:HistoryArchive";
const SCOPE = { partition: "aws", region: REGION, accountId: ACCT };

function one(resources: RecordedResource[], type: string, name: string): RecordedResource {
  const found = resources.filter((r) => r.type === type && r.name === name);
  expect(found, `${type} ${name}`).to.have.length(1);
  return found[0]!;
}

/** What each committed stack file sets for the archive (Pulumi.dev.yaml / Pulumi.prod.yaml). */
const STACKS = {
  dev: { retention: 30, protect: false, cutoffMb: 1024, resultDays: 1, logDays: 14, windowS: 30 },
  prod: { retention: 395, protect: true, cutoffMb: 10240, resultDays: 7, logDays: 90, windowS: 300 },
} as const;

describe("components/history-archive (HistoryArchive under mocks)", () => {
  const runs: Record<string, RecordedResource[]> = {};
  before(async () => {
    runs.dev = await runProgram({ stack: "dev" });
    runs.prod = await runProgram({ stack: "prod" });
  });

  for (const stack of ["dev", "prod"] as const) {
    const want = STACKS[stack];
    const archiveBucket = `liveinsight-${stack}-${ACCT}-${REGION}-archive`;
    const resultsBucket = `liveinsight-${stack}-${ACCT}-${REGION}-results`;
    const r = () => runs[stack]!;

    describe(stack, () => {
      it("parents every archive resource to one HistoryArchive component", () => {
        const [component] = ofType(r(), COMPONENT);
        expect(ofType(r(), COMPONENT)).to.have.length(1);
        const children = r().filter((x) => x.parent === component!.urn);
        expect(children.map((c) => c.name).sort()).to.deep.equal(
          [
            "archive-archiver",
            "archive-archiver-invoke-config",
            "archive-archiver-logs",
            "archive-archiver-policy",
            "archive-archiver-role",
            "archive-bucket",
            "archive-bucket-encryption",
            "archive-bucket-lifecycle",
            "archive-bucket-policy",
            "archive-bucket-public-access-block",
            "archive-compaction",
            "archive-compaction-invoke-config",
            "archive-compaction-logs",
            "archive-compaction-policy",
            "archive-compaction-role",
            "archive-compaction-schedule",
            "archive-database",
            "archive-events-table",
            "archive-failures",
            "archive-results",
            "archive-results-encryption",
            "archive-results-lifecycle",
            "archive-results-policy",
            "archive-results-public-access-block",
            "archive-scheduler-policy",
            "archive-scheduler-role",
            "archive-stream",
            "archive-workgroup",
          ].sort(),
        );
      });

      it("maps the Events stream to the archiver with every retry setting stated, inserts only, failures to the queue", () => {
        const mapping = one(r(), "aws:lambda/eventSourceMapping:EventSourceMapping", "archive-stream");
        expect(mapping.inputs).to.deep.equal({
          eventSourceArn: `arn:aws:dynamodb:${REGION}:${ACCT}:table/LiveInsight-${stack}-Events/stream/2026-01-01T00:00:00.000`,
          functionName: `arn:aws:lambda:${REGION}:${ACCT}:function:LiveInsight-${stack}-archiver`,
          startingPosition: "TRIM_HORIZON",
          batchSize: 1000,
          maximumBatchingWindowInSeconds: want.windowS,
          maximumRetryAttempts: 3,
          maximumRecordAgeInSeconds: 86400,
          bisectBatchOnFunctionError: true,
          parallelizationFactor: 1,
          functionResponseTypes: ["ReportBatchItemFailures"],
          destinationConfig: { onFailure: { destinationArn: `arn:aws:sqs:${REGION}:${ACCT}:LiveInsight-${stack}-archive-failures` } },
          filterCriteria: {
            filters: [{ pattern: '{"eventName":["INSERT"],"dynamodb":{"NewImage":{"received_at":{"N":[{"exists":true}]}}}}' }],
          },
        });
        expect(JSON.parse(INSERTS_ONLY)).to.deep.equal({
          eventName: ["INSERT"],
          dynamodb: { NewImage: { received_at: { N: [{ exists: true }] } } },
        });
        // Created after the role may read the stream and send to the queue (Lambda checks at creation).
        expect(mapping.dependsOn).to.include(one(r(), "aws:iam/rolePolicy:RolePolicy", "archive-archiver-policy").urn);
      });

      it("keeps failed batches in an encrypted queue for SQS's longest retention", () => {
        expect(one(r(), "aws:sqs/queue:Queue", "archive-failures").inputs).to.deep.equal({
          name: `LiveInsight-${stack}-archive-failures`,
          sqsManagedSseEnabled: true,
          messageRetentionSeconds: 1_209_600,
        });
      });

      it("protects both buckets: every public-access block, SSE-S3, TLS-only policy, lifecycle expiry", () => {
        for (const [prefix, bucket, days, expirePrefix, protect] of [
          ["archive-bucket", archiveBucket, want.retention, "events/", want.protect],
          ["archive-results", resultsBucket, want.resultDays, "", false],
        ] as const) {
          const b = one(r(), "aws:s3/bucket:Bucket", prefix);
          expect(b.inputs).to.deep.equal({ bucket, forceDestroy: !protect });
          expect(b.protect, prefix).to.equal(protect);
          expect(one(r(), "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", `${prefix}-public-access-block`).inputs).to.deep.equal({
            bucket,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
          });
          expect(
            one(r(), "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", `${prefix}-encryption`)
              .inputs,
          ).to.deep.equal({ bucket, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] });
          const policy = one(r(), "aws:s3/bucketPolicy:BucketPolicy", `${prefix}-policy`);
          expect(JSON.parse(policy.inputs.policy)).to.deep.equal(tlsOnlyBucketPolicy("aws", bucket));
          expect(policy.dependsOn).to.include(
            one(r(), "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", `${prefix}-public-access-block`).urn,
          );
          expect(one(r(), "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", `${prefix}-lifecycle`).inputs).to.deep.equal({
            bucket,
            rules: [
              { id: "expire", status: "Enabled", filter: { prefix: expirePrefix }, expiration: { days } },
              {
                id: "abort-incomplete-uploads",
                status: "Enabled",
                filter: { prefix: "" },
                abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
              },
            ],
          });
        }
      });

      it("runs both functions as tagged batch workloads with their own sizes, the bucket and SDK retry settings in their env", () => {
        for (const [kind, memorySize, timeout] of [
          ["archiver", 512, 60],
          ["compaction", 1024, 300],
        ] as const) {
          const fn = one(r(), "aws:lambda/function:Function", `archive-${kind}`);
          const { code: _code, role: _role, ...rest } = fn.inputs;
          expect(rest).to.deep.equal({
            name: `LiveInsight-${stack}-${kind}`,
            runtime: "nodejs22.x",
            architectures: ["arm64"],
            handler: "index.handler",
            memorySize,
            timeout,
            environment: {
              variables: { ARCHIVE_BUCKET: archiveBucket, ENVIRONMENT: stack, AWS_MAX_ATTEMPTS: "3", AWS_RETRY_MODE: "standard" },
            },
            loggingConfig: { logFormat: "Text", logGroup: `/aws/lambda/LiveInsight-${stack}-${kind}` },
            tags: { "liveinsight:workload": "batch" },
          });
          expect(Object.keys(fn.inputs.code.assets)).to.deep.equal(["index.js"]);
          expect(one(r(), "aws:cloudwatch/logGroup:LogGroup", `archive-${kind}-logs`).inputs).to.deep.equal({
            name: `/aws/lambda/LiveInsight-${stack}-${kind}`,
            retentionInDays: want.logDays,
          });
        }
        expect(
          one(r(), "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "archive-archiver-invoke-config").inputs,
        ).to.deep.equal({
          functionName: `LiveInsight-${stack}-archiver`,
          maximumRetryAttempts: 0,
          maximumEventAgeInSeconds: 60,
        });
        expect(
          one(r(), "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "archive-compaction-invoke-config").inputs,
        ).to.deep.equal({
          functionName: `LiveInsight-${stack}-compaction`,
          maximumRetryAttempts: 2,
          maximumEventAgeInSeconds: 3600,
        });
      });

      it("grants each role exactly its documents (least privilege, built from names)", () => {
        const doc = (name: string) => JSON.parse(one(r(), "aws:iam/rolePolicy:RolePolicy", name).inputs.policy);
        expect(doc("archive-archiver-policy")).to.deep.equal(
          archiverPolicy({
            ...SCOPE,
            eventsTableName: `LiveInsight-${stack}-Events`,
            bucketName: archiveBucket,
            failureQueueName: `LiveInsight-${stack}-archive-failures`,
            logGroupName: `/aws/lambda/LiveInsight-${stack}-archiver`,
          }),
        );
        expect(doc("archive-compaction-policy")).to.deep.equal(
          compactionPolicy({ ...SCOPE, bucketName: archiveBucket, logGroupName: `/aws/lambda/LiveInsight-${stack}-compaction` }),
        );
        expect(doc("archive-scheduler-policy")).to.deep.equal(
          schedulerPolicy({ ...SCOPE, compactionFunctionName: `LiveInsight-${stack}-compaction` }),
        );
        const trust = JSON.parse(one(r(), "aws:iam/role:Role", "archive-scheduler-role").inputs.assumeRolePolicy);
        expect(trust.Statement).to.deep.equal([
          {
            Effect: "Allow",
            Principal: { Service: "scheduler.amazonaws.com" },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:SourceAccount": ACCT } },
          },
        ]);
      });

      it("schedules compaction daily at 02:30 UTC through its own role, with bounded delivery retries", () => {
        const schedule = one(r(), "aws:scheduler/schedule:Schedule", "archive-compaction-schedule");
        expect(schedule.inputs).to.deep.equal({
          name: `LiveInsight-${stack}-compaction`,
          scheduleExpression: "cron(30 2 * * ? *)",
          scheduleExpressionTimezone: "UTC",
          flexibleTimeWindow: { mode: "OFF" },
          target: {
            arn: `arn:aws:lambda:${REGION}:${ACCT}:function:LiveInsight-${stack}-compaction`,
            roleArn: `arn:aws:iam::${ACCT}:role/archive-scheduler-role`,
            input: '{"source":"schedule"}',
            retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
          },
        });
        expect(COMPACTION_SCHEDULE).to.equal(schedule.inputs.scheduleExpression);
      });

      it("declares the Glue table with every archive column and dt projected (no crawler, no repair)", () => {
        expect(one(r(), "aws:glue/catalogDatabase:CatalogDatabase", "archive-database").inputs).to.deep.equal({
          name: `liveinsight_${stack}`,
          description: `LiveInsight event archive (${stack})`,
        });
        const table = one(r(), "aws:glue/catalogTable:CatalogTable", "archive-events-table");
        expect(table.inputs.parameters).to.deep.equal({
          EXTERNAL: "TRUE",
          classification: "parquet",
          "parquet.compression": "SNAPPY",
          "projection.enabled": "true",
          "projection.dt.type": "date",
          "projection.dt.format": "yyyy-MM-dd",
          "projection.dt.range": `NOW-${want.retention}DAYS,NOW+1DAYS`,
          "projection.dt.interval": "1",
          "projection.dt.interval.unit": "DAYS",
          "storage.location.template": `s3://${archiveBucket}/events/dt=\${dt}/`,
        });
        expect(table.inputs).to.deep.include({ name: "events", databaseName: `liveinsight_${stack}`, tableType: "EXTERNAL_TABLE" });
        expect(table.inputs.partitionKeys).to.deep.equal([{ name: "dt", type: "string", comment: "UTC day of timestamp, YYYY-MM-DD." }]);
        expect(table.inputs.storageDescriptor.location).to.equal(`s3://${archiveBucket}/events/`);
        expect(table.inputs.storageDescriptor.columns.map((c: { name: string }) => c.name)).to.deep.equal(
          ARCHIVE_COLUMNS.map((c) => c.name),
        );
        expect(table.inputs.storageDescriptor.columns[0]).to.deep.equal({
          name: "site_id",
          type: "string",
          comment: "The site the event belongs to ('local' before sites existed).",
        });
        expect(table.inputs.storageDescriptor.serDeInfo.serializationLibrary).to.equal(
          "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
        );
      });

      it("enforces the Athena workgroup's result location, encryption, engine and bytes-scanned cutoff", () => {
        expect(one(r(), "aws:athena/workgroup:Workgroup", "archive-workgroup").inputs).to.deep.equal({
          name: `LiveInsight-${stack}`,
          description: `LiveInsight archive queries (${stack})`,
          state: "ENABLED",
          forceDestroy: !want.protect,
          configuration: {
            enforceWorkgroupConfiguration: true,
            publishCloudwatchMetricsEnabled: true,
            bytesScannedCutoffPerQuery: want.cutoffMb * 1_048_576,
            engineVersion: { selectedEngineVersion: "Athena engine version 3" },
            resultConfiguration: { outputLocation: `s3://${resultsBucket}/`, encryptionConfiguration: { encryptionOption: "SSE_S3" } },
          },
        });
      });
    });
  }

  describe("pure helpers", () => {
    it("names buckets lowercase with account and region, and refuses a name S3 would reject, naming the remedy", () => {
      expect(bucketName("Dev", ACCT, "eu-west-1", "archive")).to.equal(`liveinsight-dev-${ACCT}-eu-west-1-archive`);
      expect(() => bucketName("a-very-long-stack-name", ACCT, "ap-southeast-2", "results")).to.throw(
        `The results bucket name "liveinsight-a-very-long-stack-name-${ACCT}-ap-southeast-2-results" is not a valid S3 bucket name (lowercase letters, digits and "-", at most 63 characters); use a stack name of at most 15 letters, digits or "-".`,
      );
    });

    it("derives the projection, location and storage descriptor from the bucket alone", () => {
      expect(eventsLocation("b")).to.equal("s3://b/events/");
      expect(projectionParameters("b", 7)["projection.dt.range"]).to.equal("NOW-7DAYS,NOW+1DAYS");
      expect(storageDescriptor("b").columns).to.have.length(ARCHIVE_COLUMNS.length);
      expect(workgroupConfiguration("r", 10).bytesScannedCutoffPerQuery).to.be.at.least(10_000_000);
    });

    it("grants the archiver no table access and the compaction no stream access", () => {
      const archiver = archiverPolicy({ ...SCOPE, eventsTableName: "T", bucketName: "b", failureQueueName: "q", logGroupName: "/l" });
      expect(archiver.Statement.flatMap((s) => s.Resource)).to.deep.equal([
        `arn:aws:dynamodb:${REGION}:${ACCT}:table/T/stream/*`,
        "arn:aws:s3:::b/events/*",
        `arn:aws:sqs:${REGION}:${ACCT}:q`,
        `arn:aws:logs:${REGION}:${ACCT}:log-group:/l:*`,
      ]);
      const compaction = compactionPolicy({ ...SCOPE, bucketName: "b", logGroupName: "/l" });
      expect(compaction.Statement.flatMap((s) => s.Action)).to.deep.equal([
        "s3:ListBucket",
        "s3:GetObject",
        "s3:PutObject",
        "s3:DeleteObject",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
      ]);
      expect(compaction.Statement[0]!.Condition).to.deep.equal({ StringLike: { "s3:prefix": ["events/*"] } });
    });
  });
});

describe("components/history-archive (early checks)", () => {
  it("refuses a stack whose bucket names S3 would reject before registering anything", async () => {
    const error = await runProgram({ stack: "a-very-long-stack-name", config: { "aws:region": "us-east-1" } }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).to.equal(
      `The results bucket name "liveinsight-a-very-long-stack-name-000000000000-us-east-1-results" is not a valid S3 bucket name (lowercase letters, digits and "-", at most 63 characters); use a stack name of at most 20 letters, digits or "-".`,
    );
  });
});
