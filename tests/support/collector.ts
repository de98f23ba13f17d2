import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, paginateScan, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { type CollectorDeps, handleCollect, type Outcome } from "../../functions/core/collect";
import { fixedClock, postEvents } from "../../scripts/lib/collector-harness";

export { counterHex, fixedClock, postEvents, testDeps } from "../../scripts/lib/collector-harness";

export async function collect(
  deps: CollectorDeps,
  body: unknown,
  now = Date.now(),
  headers?: Record<string, string>,
): Promise<Outcome & { json: any }> {
  const outcome = await handleCollect(postEvents(body, headers), deps, fixedClock(now));
  return { ...outcome, json: JSON.parse(outcome.result.body) };
}

/** Items as plain JS with every number a JS number, even past 2^53 (assertions compare numbers, not BigInts). */
const documents = (client: DynamoDBClient) =>
  DynamoDBDocumentClient.from(client, { unmarshallOptions: { wrapNumbers: (n: string) => Number(n) } });

/** Every item of a table (plain values), sorted by key for stable assertions. */
export async function scanAll(client: DynamoDBClient, table: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const page of paginateScan({ client: documents(client) }, { TableName: table })) items.push(...(page.Items ?? []));
  return items.sort(
    (a, b) =>
      String(a.session_id).localeCompare(String(b.session_id)) || String(a.event_key ?? "").localeCompare(String(b.event_key ?? "")),
  );
}

export async function getSession(client: DynamoDBClient, table: string, sessionId: string): Promise<Record<string, unknown> | undefined> {
  const out = await documents(client).send(new GetCommand({ TableName: table, Key: { session_id: sessionId }, ConsistentRead: true }));
  return out.Item;
}

export async function sessionEvents(client: DynamoDBClient, table: string, sessionId: string): Promise<Record<string, unknown>[]> {
  const out = await documents(client).send(
    new QueryCommand({ TableName: table, KeyConditionExpression: "session_id = :s", ExpressionAttributeValues: { ":s": sessionId } }),
  );
  return out.Items ?? [];
}

/** Every stored event (without the pins of out-of-window times, which share the Events table). */
export async function storedEvents(client: DynamoDBClient, table: string) {
  return (await scanAll(client, table)).filter((e) => !String(e.session_id).startsWith("#pin#"));
}
