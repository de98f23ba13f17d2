import { DynamoDBClient, GetItemCommand, QueryCommand, ScanCommand, type AttributeValue } from "@aws-sdk/client-dynamodb";
import { CollectorDeps, handleCollect, Outcome } from "../../functions/core/collect";
import type { HttpRequest } from "../../functions/core/request";
import type { TableNames } from "../../functions/shared/schema";
import { seededRandom } from "./fault-injector";

/** Deterministic ids: 00000001, 00000002, … */
export function counterHex(): () => string {
  let n = 0;
  return () => (++n).toString(16).padStart(8, "0");
}

export function testDeps(db: CollectorDeps["db"], tables: TableNames, overrides: Partial<CollectorDeps> = {}): CollectorDeps {
  return {
    db,
    tables,
    retentionDays: 30,
    remainingTimeMs: () => 10_000,
    hex: counterHex(),
    random: seededRandom(7),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    ...overrides,
  };
}

export function postEvents(body: unknown, headers: Record<string, string> = {}): HttpRequest {
  return {
    method: "POST",
    path: "/events",
    headers: { "content-type": "application/json", "user-agent": "test-agent/1.0", ...headers },
    body: JSON.stringify(body),
    sourceIp: "198.51.100.23",
    requestId: "req-1",
  };
}

export const fixedClock = (now: number) => ({ now: () => now });

export async function collect(deps: CollectorDeps, body: unknown, now = Date.now(), headers?: Record<string, string>): Promise<Outcome & { json: any }> {
  const outcome = await handleCollect(postEvents(body, headers), deps, fixedClock(now));
  return { ...outcome, json: JSON.parse(outcome.result.body) };
}

/** Every item of a table (plain values), sorted by key for stable assertions. */
export async function scanAll(client: DynamoDBClient, table: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const out = await client.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items.map(plain).sort((a, b) => String(a.session_id).localeCompare(String(b.session_id)) || String(a.event_key ?? "").localeCompare(String(b.event_key ?? "")));
}

export async function getSession(client: DynamoDBClient, table: string, sessionId: string) {
  const out = await client.send(new GetItemCommand({ TableName: table, Key: { session_id: { S: sessionId } }, ConsistentRead: true }));
  return out.Item ? plain(out.Item) : undefined;
}

export async function sessionEvents(client: DynamoDBClient, table: string, sessionId: string) {
  const out = await client.send(new QueryCommand({ TableName: table, KeyConditionExpression: "session_id = :s", ExpressionAttributeValues: { ":s": { S: sessionId } } }));
  return (out.Items ?? []).map(plain);
}

/** Attribute values → plain JS, keeping the DynamoDB type visible: numbers stay numbers. */
export function plain(item: Record<string, AttributeValue>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) out[k] = plainValue(v);
  return out;
}

function plainValue(v: AttributeValue): unknown {
  if (v.S !== undefined) return v.S;
  if (v.N !== undefined) return Number(v.N);
  if (v.BOOL !== undefined) return v.BOOL;
  if (v.M !== undefined) return plain(v.M);
  throw new Error(`unexpected attribute ${JSON.stringify(v)}`);
}

/** Every stored event (without the pins of out-of-window times, which share the Events table). */
export async function storedEvents(client: DynamoDBClient, table: string) {
  return (await scanAll(client, table)).filter((e) => !String(e.session_id).startsWith("#pin#"));
}
