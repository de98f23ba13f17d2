/**
 * Driving the collector core (handleCollect) directly, without Lambda or HTTP: deterministic
 * dependencies, a tracker-shaped POST, and the stored items read back as plain values.
 * The tests and the bench both measure through it.
 */
import { type AttributeValue, type DynamoDBClient, GetItemCommand, paginateScan, QueryCommand } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { DEFAULTS } from "../../config";
import { realtimeShards } from "../../contracts/realtime";
import { LOCAL_SITE } from "../../contracts/sites";
import type { TableNames } from "../../contracts/tables";
import { siteTable } from "../../functions/core/admission";
import { type CollectorDeps, handleCollect, type Outcome } from "../../functions/core/collect";
import { sessionKey } from "../../functions/core/ids";
import { createRealtimeReader } from "../../functions/core/realtime";
import type { HttpRequest } from "../../functions/core/request";
import { createDocumentClient } from "../../functions/shared/clients";
import { createRng } from "../../scripts/lib/rng";

/** Deterministic ids: 00000001, 00000002, … */
export function counterHex(): () => string {
  let n = 0;
  return () => (++n).toString(16).padStart(8, "0");
}

/** The collector's dependencies over `client`, wrapped in the document client as functions/collector.ts wraps it. */
export function testDeps(client: DynamoDBClient, tables: TableNames, overrides: Partial<CollectorDeps> = {}): CollectorDeps {
  return {
    db: createDocumentClient(client),
    tables,
    sites: siteTable([LOCAL_SITE], LOCAL_SITE.id),
    retentionDays: 30,
    realtimeShards: realtimeShards(DEFAULTS.realtimePeakWriteUnits),
    remainingTimeMs: () => 10_000,
    hex: counterHex(),
    random: createRng(7),
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

export async function collect(
  deps: CollectorDeps,
  body: unknown,
  now = Date.now(),
  headers?: Record<string, string>,
): Promise<Outcome & { json: any }> {
  const outcome = await handleCollect(postEvents(body, headers), deps, fixedClock(now));
  return { ...outcome, json: JSON.parse(outcome.result.body) };
}

/**
 * Items as plain JS with every number a JS number, even past 2^53 (assertions compare numbers, not BigInts).
 * Read raw and unmarshalled here, not through a document client: DynamoDBDocumentClient.from stores its
 * options on the wrapped client's shared config, so a test reader's options would reach the collector's
 * own document client over the same client, which production runs without any.
 */
const plain = (item: Record<string, AttributeValue>) => unmarshall(item, { wrapNumbers: (n: string) => Number(n) });

/** Every item of a table (plain values), sorted by key for stable assertions. */
export async function scanAll(client: DynamoDBClient, table: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const page of paginateScan({ client }, { TableName: table })) items.push(...(page.Items ?? []).map(plain));
  return items.sort(
    (a, b) =>
      String(a.session_id).localeCompare(String(b.session_id)) || String(a.event_key ?? "").localeCompare(String(b.event_key ?? "")),
  );
}

/** The Sessions row of a session of `site` (default local, the test deps' site), keyed `<site>#<session>`. */
export async function getSession(
  client: DynamoDBClient,
  table: string,
  sessionId: string,
  site = LOCAL_SITE.id,
): Promise<Record<string, unknown> | undefined> {
  const key = { session_id: { S: sessionKey(site, sessionId) } };
  const out = await client.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }));
  return out.Item && plain(out.Item);
}

/** The stored events of a session of `site` (default local), in key order. */
export async function sessionEvents(
  client: DynamoDBClient,
  table: string,
  sessionId: string,
  site = LOCAL_SITE.id,
): Promise<Record<string, unknown>[]> {
  const out = await client.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: "session_id = :s",
      ExpressionAttributeValues: { ":s": { S: sessionKey(site, sessionId) } },
    }),
  );
  return (out.Items ?? []).map(plain);
}

/** Every stored event (without the pins of out-of-window times, which share the Events table). */
export async function storedEvents(client: DynamoDBClient, table: string) {
  return (await scanAll(client, table)).filter((e) => !String(e.session_id).startsWith("#pin#"));
}

/** GET /realtime's answer for `site` at `now`, read through the real reader (no cache) from the counters the collector left. */
export function realtimeAt(client: DynamoDBClient, tables: TableNames, now: number, site = LOCAL_SITE.id, shards = 1) {
  const read = createRealtimeReader(
    { db: createDocumentClient(client), table: tables.activeSessions, cacheMs: 0, shards },
    { now: () => now },
  );
  return read(site);
}

/** Whether a call is one of the realtime counters' writes or reads (realtime-moves.ts), not the placement of events. */
export function isRealtimeCall(input: { TableName?: string; UpdateExpression?: string }, tables: TableNames): boolean {
  return input.TableName === tables.activeSessions || /\brt_move\b/.test(input.UpdateExpression ?? "");
}

/** Counts `client`'s calls by command, leaving out the realtime counters' (tests of placement assert these). */
export function placementCalls(client: DynamoDBClient, tables: TableNames): Record<string, number> {
  const calls: Record<string, number> = {};
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (!isRealtimeCall(args.input as { TableName?: string }, tables)) {
        const name = context.commandName as string;
        calls[name] = (calls[name] ?? 0) + 1;
      }
      return next(args);
    },
    { step: "initialize", name: "placementCalls" },
  );
  return calls;
}
