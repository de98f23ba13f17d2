/**
 * HistoryArchive: every stored event, once, in Parquet on S3, queryable with Athena (SPEC §10).
 *
 * Events table stream (NEW_IMAGE) → event source mapping (INSERT only, explicit retries, bisect,
 * partial batch responses, on-failure SQS queue) → Lambda `archiver` → archive bucket
 * `events/dt=YYYY-MM-DD/`; EventBridge Scheduler → Lambda `compaction` once a day; a Glue table
 * with partition projection and an Athena workgroup with an enforced result location and a
 * bytes-scanned cutoff. Names, IAM documents and the catalog are pure helpers
 * (contracts/names.ts, ./archive-iam.ts, ./archive-catalog.ts); this class only wires them.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type SdkRetryMode, SETTING_VARIABLES } from "../contracts/function-env";
import {
  ARCHIVE_TABLE_NAME,
  archiveDatabaseName,
  archiveFailureQueueName,
  athenaWorkgroupName,
  bucketName,
  compactionScheduleName,
  functionName,
} from "../contracts/names";
import { PARTITION_KEYS, projectionParameters, storageDescriptor, workgroupConfiguration } from "./archive-catalog";
import { archiverPolicy, compactionPolicy, schedulerAssumeRolePolicy, schedulerPolicy } from "./archive-iam";
import { ARCHIVE_BUCKET_ENV, ARCHIVE_ENTRY_POINTS, ARCHIVE_EVENTS_PREFIX, ARCHIVE_STREAM_READING } from "./archive-layout";
import { type BatchFunction, createBatchFunction } from "./batch-function";
import { accountScope } from "./collector-api";
import type { Architecture } from "./collector-api-args";
import { createProtectedBucket } from "./protected-bucket";

export interface HistoryArchiveArgs {
  /** Stack name: part of every physical name. */
  readonly stack: string;
  /** The Events table: its name scopes the stream permissions, its stream feeds the archiver. */
  readonly eventsTable: { readonly name: pulumi.Input<string>; readonly streamArn: pulumi.Input<string> };
  /** Days an archived event is kept (the bucket's lifecycle expiry, the projection's range). */
  readonly eventRetentionDays: number;
  /** Pulumi `protect` on the archive bucket, and no force-destroy of buckets or workgroup. */
  readonly protectData: boolean;
  /** Both functions: instruction set, log retention, SDK retry settings. */
  readonly functions: {
    readonly architecture: Architecture;
    readonly logRetentionDays: number;
    readonly sdkMaxAttempts: number;
    readonly sdkRetryMode: SdkRetryMode;
  };
  readonly archiver: { readonly memorySize: number; readonly timeoutSeconds: number };
  readonly compaction: { readonly memorySize: number; readonly timeoutSeconds: number };
  /** How the archiver reads the stream (liveinsight:archive* settings). */
  readonly stream: {
    readonly batchSize: number;
    readonly batchingWindowSeconds: number;
    readonly maxRetryAttempts: number;
    readonly maxRecordAgeSeconds: number;
  };
  readonly athena: { readonly bytesScannedCutoffMb: number; readonly resultRetentionDays: number };
}

/**
 * Only inserts reach the archiver: TTL deletions (REMOVE) and any rewrite of an item (MODIFY) are
 * filtered out before an invocation, so they cost nothing (Lambda Developer Guide, "Control which
 * events Lambda sends to your function": https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html).
 */
export const INSERTS_ONLY = ARCHIVE_STREAM_READING.filterPattern;

/** 02:30 UTC: a day is closed once two hours have passed after its end, so compaction runs then. */
export const COMPACTION_SCHEDULE = "cron(30 2 * * ? *)";

/** A region name as long as any (ap-southeast-2): the bucket-name check when no region is configured. */
const LONGEST_REGION = "ap-southeast-2";

/** SQS's longest retention (14 days): time to replay a failed batch's records from the hot tier. */
const FAILURE_RETENTION_SECONDS = 1_209_600;

export class HistoryArchive extends pulumi.ComponentResource {
  public readonly archiveBucketName: pulumi.Output<string>;
  public readonly resultsBucketName: pulumi.Output<string>;
  public readonly failureQueueName: pulumi.Output<string>;
  public readonly failureQueueUrl: pulumi.Output<string>;
  public readonly archiverFunctionName: pulumi.Output<string>;
  public readonly compactionFunctionName: pulumi.Output<string>;
  public readonly databaseName: pulumi.Output<string>;
  public readonly tableName: pulumi.Output<string>;
  public readonly workgroupName: pulumi.Output<string>;

  constructor(name: string, args: HistoryArchiveArgs, opts?: pulumi.ComponentResourceOptions) {
    // Checked before registering anything (the account id is the same length in every account).
    bucketName(args.stack, "000000000000", aws.config.region ?? LONGEST_REGION, "results");
    super("liveinsight:archive:HistoryArchive", name, {}, opts);
    const scope = accountScope(this);
    const names = pulumi.all([scope.accountId, scope.region]).apply(([account, region]) => ({
      archive: bucketName(args.stack, account, region, "archive"),
      results: bucketName(args.stack, account, region, "results"),
    }));

    // Archive objects expire at eventRetentionDays after they are written (compaction rewrites a
    // day once, so a compacted day lives at most a day longer); results after a few days.
    const archive = createProtectedBucket(
      `${name}-bucket`,
      { bucket: names.archive, expireAfterDays: args.eventRetentionDays, expirePrefix: ARCHIVE_EVENTS_PREFIX, protect: args.protectData },
      this,
    );
    const results = createProtectedBucket(
      `${name}-results`,
      { bucket: names.results, expireAfterDays: args.athena.resultRetentionDays, expirePrefix: "", protect: false },
      this,
    );

    const queue = new aws.sqs.Queue(
      `${name}-failures`,
      { name: archiveFailureQueueName(args.stack), sqsManagedSseEnabled: true, messageRetentionSeconds: FAILURE_RETENTION_SECONDS },
      { parent: this },
    );

    const archiver = this.createArchiver(name, args, scope, names.archive, queue);
    const compaction = this.createCompaction(name, args, scope, names.archive);
    const { database, table, workgroup } = this.createQueryLayer(name, args, names);

    this.archiveBucketName = archive.bucket.bucket;
    this.resultsBucketName = results.bucket.bucket;
    this.failureQueueName = queue.name;
    this.failureQueueUrl = queue.url;
    this.archiverFunctionName = archiver.function.name;
    this.compactionFunctionName = compaction.function.name;
    this.databaseName = database.name;
    this.tableName = table.name;
    this.workgroupName = workgroup.name;
    this.registerOutputs({
      archiveBucketName: this.archiveBucketName,
      resultsBucketName: this.resultsBucketName,
      failureQueueUrl: this.failureQueueUrl,
      archiverFunctionName: this.archiverFunctionName,
      compactionFunctionName: this.compactionFunctionName,
      databaseName: this.databaseName,
      workgroupName: this.workgroupName,
    });
  }

  /** What the archiver and compaction share: name, bundle, size, runtime, logs and environment. */
  private functionBasics(role: "archiver" | "compaction", args: HistoryArchiveArgs, bucket: pulumi.Output<string>) {
    return {
      functionName: functionName(args.stack, role),
      entry: ARCHIVE_ENTRY_POINTS[role],
      memorySize: args[role].memorySize,
      timeoutSeconds: args[role].timeoutSeconds,
      architecture: args.functions.architecture,
      logRetentionDays: args.functions.logRetentionDays,
      environment: {
        [ARCHIVE_BUCKET_ENV]: bucket,
        ENVIRONMENT: args.stack,
        [SETTING_VARIABLES.sdkMaxAttempts.name]: String(args.functions.sdkMaxAttempts),
        [SETTING_VARIABLES.sdkRetryMode.name]: args.functions.sdkRetryMode,
      },
    };
  }

  /**
   * The archiver and its stream mapping. Every retry setting is stated (Lambda Developer Guide,
   * "Lambda parameters for Amazon DynamoDB event source mappings":
   * https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-params.html): with
   * ReportBatchItemFailures the archiver names the first record it could not write and Lambda
   * retries from there; bisect halves a batch whose invocation failed outright (a crash, a
   * timeout); after maxRetryAttempts, or once a record is older than maxRecordAgeSeconds, the
   * batch's description goes to the queue and the shard moves on, so one poison record never
   * blocks the stream ("Configuring partial batch response with DynamoDB and Lambda":
   * https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-batchfailurereporting.html).
   */
  private createArchiver(
    name: string,
    args: HistoryArchiveArgs,
    scope: ReturnType<typeof accountScope>,
    bucket: pulumi.Output<string>,
    queue: aws.sqs.Queue,
  ): BatchFunction {
    const archiver = createBatchFunction(
      `${name}-archiver`,
      {
        ...this.functionBasics("archiver", args, bucket),
        policy: (logGroupName) =>
          pulumi
            .output({
              ...scope,
              eventsTableName: args.eventsTable.name,
              bucketName: bucket,
              failureQueueName: archiveFailureQueueName(args.stack),
              logGroupName,
            })
            .apply(archiverPolicy),
        // The mapping invokes synchronously; this bounds stray asynchronous invokes only.
        asyncRetries: { maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60 },
      },
      this,
    );
    new aws.lambda.EventSourceMapping(
      `${name}-stream`,
      {
        eventSourceArn: args.eventsTable.streamArn,
        functionName: archiver.function.arn,
        // From the oldest record the stream keeps (24 h), so nothing stored before the mapping existed is skipped.
        startingPosition: "TRIM_HORIZON",
        batchSize: args.stream.batchSize,
        maximumBatchingWindowInSeconds: args.stream.batchingWindowSeconds,
        maximumRetryAttempts: args.stream.maxRetryAttempts,
        maximumRecordAgeInSeconds: args.stream.maxRecordAgeSeconds,
        bisectBatchOnFunctionError: ARCHIVE_STREAM_READING.bisectBatchOnFunctionError,
        // One batch per shard at a time keeps a shard's records in order (the default, stated).
        parallelizationFactor: 1,
        functionResponseTypes: [...ARCHIVE_STREAM_READING.functionResponseTypes],
        destinationConfig: { onFailure: { destinationArn: queue.arn } },
        filterCriteria: { filters: [{ pattern: INSERTS_ONLY }] },
      },
      // Lambda checks at creation that the role may read the stream and write to the queue.
      { parent: this, dependsOn: [archiver.rolePolicy] },
    );
    return archiver;
  }

  /**
   * Compaction, run by EventBridge Scheduler once a day. Scheduler invokes asynchronously, so
   * Lambda's own retries apply (twice, within an hour); re-running a day gives the same day.
   */
  private createCompaction(
    name: string,
    args: HistoryArchiveArgs,
    scope: ReturnType<typeof accountScope>,
    bucket: pulumi.Output<string>,
  ): BatchFunction {
    const basics = this.functionBasics("compaction", args, bucket);
    const fnName = basics.functionName;
    const compaction = createBatchFunction(
      `${name}-compaction`,
      {
        ...basics,
        policy: (logGroupName) => pulumi.output({ ...scope, bucketName: bucket, logGroupName }).apply(compactionPolicy),
        asyncRetries: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
      },
      this,
    );
    const role = new aws.iam.Role(
      `${name}-scheduler-role`,
      { assumeRolePolicy: scope.accountId.apply((id) => JSON.stringify(schedulerAssumeRolePolicy(id))) },
      { parent: this },
    );
    const policy = new aws.iam.RolePolicy(
      `${name}-scheduler-policy`,
      {
        role: role.id,
        policy: pulumi.output({ ...scope, compactionFunctionName: fnName }).apply((n) => JSON.stringify(schedulerPolicy(n))),
      },
      { parent: this },
    );
    // Scheduler's own retries cover a failed delivery (throttling, a missing permission), not a
    // failing function (EventBridge Scheduler User Guide, "Configuring a retry policy":
    // https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-retry-policy.html).
    new aws.scheduler.Schedule(
      `${name}-compaction-schedule`,
      {
        name: compactionScheduleName(args.stack),
        scheduleExpression: COMPACTION_SCHEDULE,
        scheduleExpressionTimezone: "UTC",
        flexibleTimeWindow: { mode: "OFF" },
        target: {
          arn: compaction.function.arn,
          roleArn: role.arn,
          input: JSON.stringify({ source: "schedule" }),
          retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
        },
      },
      { parent: this, dependsOn: [policy] },
    );
    return compaction;
  }

  private createQueryLayer(name: string, args: HistoryArchiveArgs, names: pulumi.Output<{ archive: string; results: string }>) {
    const database = new aws.glue.CatalogDatabase(
      `${name}-database`,
      { name: archiveDatabaseName(args.stack), description: `LiveInsight event archive (${args.stack})` },
      { parent: this },
    );
    const table = new aws.glue.CatalogTable(
      `${name}-events-table`,
      {
        name: ARCHIVE_TABLE_NAME,
        databaseName: database.name,
        tableType: "EXTERNAL_TABLE",
        description: "Every stored event; the dt partitions are projected, never crawled or repaired.",
        parameters: names.archive.apply((bucket) => projectionParameters(bucket, args.eventRetentionDays)),
        partitionKeys: PARTITION_KEYS,
        storageDescriptor: names.archive.apply((bucket) => storageDescriptor(bucket)),
      },
      { parent: this },
    );
    const workgroup = new aws.athena.Workgroup(
      `${name}-workgroup`,
      {
        name: athenaWorkgroupName(args.stack),
        description: `LiveInsight archive queries (${args.stack})`,
        state: "ENABLED",
        forceDestroy: !args.protectData,
        configuration: names.results.apply((bucket) => workgroupConfiguration(bucket, args.athena.bytesScannedCutoffMb)),
      },
      { parent: this },
    );
    return { database, table, workgroup };
  }
}
