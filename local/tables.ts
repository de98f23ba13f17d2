import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ListTablesCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from "@aws-sdk/client-dynamodb";
import { keyAttributes, TABLE_SCHEMAS, type TableSchema, tableName } from "../contracts/tables";
import { StartError } from "./storage";

/** CreateTable input for a schema: the same keys, index and billing mode as the Pulumi component. */
function createTableInput(stack: string, schema: TableSchema): CreateTableCommandInput {
  const keys = (hash: { name: string }, range?: { name: string }) => [
    { AttributeName: hash.name, KeyType: "HASH" as const },
    ...(range ? [{ AttributeName: range.name, KeyType: "RANGE" as const }] : []),
  ];
  return {
    TableName: tableName(stack, schema),
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: keyAttributes(schema).map((a) => ({ AttributeName: a.name, AttributeType: a.type })),
    KeySchema: keys(schema.hashKey, schema.rangeKey),
    GlobalSecondaryIndexes: schema.globalIndexes.length
      ? schema.globalIndexes.map((index) => ({
          IndexName: index.name,
          KeySchema: keys(index.hashKey, index.rangeKey),
          Projection: { ProjectionType: index.projection },
        }))
      : undefined,
  };
}

async function listAllTables(client: DynamoDBClient): Promise<Set<string>> {
  const names = new Set<string>();
  let start: string | undefined;
  do {
    const out = await client.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
    for (const n of out.TableNames ?? []) names.add(n);
    start = out.LastEvaluatedTableName;
  } while (start);
  return names;
}

/** Turns TTL on where the server supports it (dynalite does not; reads filter `expires_at` anyway). */
async function enableTtl(client: DynamoDBClient, name: string, attribute: string): Promise<boolean> {
  try {
    await client.send(
      new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: attribute, Enabled: true } }),
    );
    return true;
  } catch {
    return false;
  }
}

const keyText = (keys: { AttributeName?: string; KeyType?: string }[] | undefined) =>
  (keys ?? []).map((k) => `${k.AttributeName} (${k.KeyType})`).join(" + ");

/**
 * An existing table must have the schema's key: data written under an older key schema (before
 * ActiveSessions held the realtime counters, docs/architecture.md) would fail every write with a key error.
 */
async function checkKey(client: DynamoDBClient, input: CreateTableCommandInput): Promise<void> {
  const out = await client.send(new DescribeTableCommand({ TableName: input.TableName }));
  const found = keyText(out.Table?.KeySchema);
  const wanted = keyText(input.KeySchema);
  if (found !== wanted)
    throw new StartError(
      `Table ${input.TableName} has the key ${found}, but this version keys it by ${wanted} (docs/architecture.md); its data was written by an older version: run \`npm run local:reset\` (deletes the local data) and start again.`,
    );
}

/** Creates the tables of `stack` that are missing and checks the keys of the others; returns the names it created. */
export async function ensureTables(client: DynamoDBClient, stack: string, log: (m: string) => void): Promise<string[]> {
  const existing = await listAllTables(client);
  const created: string[] = [];
  const withoutTtl: string[] = [];
  for (const schema of TABLE_SCHEMAS) {
    const input = createTableInput(stack, schema);
    if (existing.has(input.TableName!)) {
      await checkKey(client, input);
      continue;
    }
    await client.send(new CreateTableCommand(input));
    await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 0.05, maxDelay: 0.5 }, { TableName: input.TableName });
    if (!(await enableTtl(client, input.TableName!, schema.ttlAttribute))) withoutTtl.push(input.TableName!);
    created.push(input.TableName!);
  }
  if (withoutTtl.length)
    log(`TTL not enabled on ${withoutTtl.join(", ")}: this server does not support UpdateTimeToLive; reads still filter expires_at > now.`);
  return created;
}
