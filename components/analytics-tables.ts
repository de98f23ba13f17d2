/**
 * AnalyticsTables: the Events, Sessions and ActiveSessions tables, built from the key schemas in
 * contracts/tables.ts (the same data the local runner uses to create them on dynalite).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type KeyAttribute, keyAttributes, TABLE_SCHEMAS, type TableSchema, tableName } from "../contracts/tables";

export interface AnalyticsTablesArgs {
  /** Stack name; tables are called `LiveInsight-<stack>-<logical name>`. */
  readonly stack: string;
  /** Point-in-time recovery, deletion protection and Pulumi `protect` on every table. */
  readonly protectData: boolean;
  /**
   * A customer-managed KMS key for the tables. undefined: DynamoDB's AWS-owned key, which is free
   * and writes no CloudTrail entries; a key ARN opts into KMS charges and auditing.
   */
  readonly tableKmsKeyArn: string | undefined;
}

type LogicalName = TableSchema["logicalName"];

/**
 * Tables whose changes are streamed: Events feeds the archiver (components/history-archive.ts).
 * NEW_IMAGE is all the archiver reads; an insert carries its whole item, so old images would only
 * double the record size (DynamoDB Developer Guide, "Change data capture for DynamoDB Streams":
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html).
 */
export const STREAMED_TABLES: Readonly<Partial<Record<LogicalName, "NEW_IMAGE">>> = { Events: "NEW_IMAGE" };

export class AnalyticsTables extends pulumi.ComponentResource {
  public readonly tableNames: Record<LogicalName, pulumi.Output<string>>;
  public readonly tableArns: Record<LogicalName, pulumi.Output<string>>;
  public readonly eventsTableName: pulumi.Output<string>;
  public readonly sessionsTableName: pulumi.Output<string>;
  public readonly activeSessionsTableName: pulumi.Output<string>;
  /** The Events table's stream: the archiver's event source. */
  public readonly eventsStreamArn: pulumi.Output<string>;

  constructor(name: string, args: AnalyticsTablesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("liveinsight:storage:AnalyticsTables", name, {}, opts);
    const protectData = args.protectData;
    const tables = TABLE_SCHEMAS.map((schema) => ({
      schema,
      table: new aws.dynamodb.Table(
        `${name}-${kebab(schema.logicalName)}`,
        tableArgs(args.stack, schema, protectData, args.tableKmsKeyArn),
        // `protect` makes `pulumi destroy` refuse to delete the data until it is lifted on purpose.
        { parent: this, protect: protectData },
      ),
    }));
    const byName = <T>(pick: (t: aws.dynamodb.Table) => pulumi.Output<T>) =>
      Object.fromEntries(tables.map(({ schema, table }) => [schema.logicalName, pick(table)])) as Record<LogicalName, pulumi.Output<T>>;

    this.tableNames = byName((t) => t.name);
    this.tableArns = byName((t) => t.arn);
    this.eventsTableName = this.tableNames.Events;
    this.sessionsTableName = this.tableNames.Sessions;
    this.activeSessionsTableName = this.tableNames.ActiveSessions;
    this.eventsStreamArn = tables.find(({ schema }) => schema.logicalName === "Events")!.table.streamArn;
    this.registerOutputs({ tableNames: this.tableNames, tableArns: this.tableArns, eventsStreamArn: this.eventsStreamArn });
  }
}

/** Pure: the Table arguments for one schema. */
export function tableArgs(stack: string, schema: TableSchema, protectData: boolean, kmsKeyArn?: string): aws.dynamodb.TableArgs {
  return {
    name: tableName(stack, schema),
    // On-demand: traffic is bursty and unknown up front; no capacity to size or autoscale.
    billingMode: "PAY_PER_REQUEST",
    hashKey: schema.hashKey.name,
    rangeKey: schema.rangeKey?.name,
    attributes: keyAttributes(schema).map((a) => ({ name: a.name, type: a.type })),
    globalSecondaryIndexes: schema.globalIndexes.length
      ? schema.globalIndexes.map((index) => ({
          name: index.name,
          keySchemas: keySchema(index.hashKey, index.rangeKey),
          projectionType: index.projection,
        }))
      : undefined,
    // The item's expires_at is the hot tier's end (hotRetentionDays); TTL deletions are free and,
    // being REMOVE records, never reach the archiver (its mapping filters on INSERT).
    ttl: { attributeName: schema.ttlAttribute, enabled: true },
    ...(STREAMED_TABLES[schema.logicalName] ? { streamEnabled: true, streamViewType: STREAMED_TABLES[schema.logicalName] } : {}),
    // `enabled: true` without a key would select the AWS *managed* key (aws/dynamodb: KMS request
    // charges, CloudTrail entries). Leaving the block out keeps the AWS-owned key, which every
    // table is encrypted with at rest anyway (DynamoDB Developer Guide, "Encryption at rest").
    serverSideEncryption: kmsKeyArn ? { enabled: true, kmsKeyArn } : undefined,
    pointInTimeRecovery: { enabled: protectData },
    deletionProtectionEnabled: protectData,
  };
}

function keySchema(hash: KeyAttribute, range?: KeyAttribute) {
  const keys = [{ attributeName: hash.name, keyType: "HASH" }];
  if (range) keys.push({ attributeName: range.name, keyType: "RANGE" });
  return keys;
}

function kebab(logicalName: string): string {
  return logicalName.replace(/([a-z])([A-Z])/g, "$1-$2").toLowerCase();
}
