/**
 * realtime read units per answer at 100, 10,000 and 100,000 active sessions of one site (among
 * ten sites with the same traffic). The counters are generated: every session's counters
 * (realtime-buckets.ts moveDeltas, exactly what the collector's moves add) are summed per bucket
 * item and written with the collector's own apply write (realtime-moves.ts applyOnce), so the
 * items are the ones the collector leaves, without sending 100,000 sessions through it. Then one
 * snapshot through the real reader, whose answer must count every session.
 * DynamoDB bills a BatchGetItem per item read, its size rounded up to 4 KB, half a unit when
 * eventually consistent (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html);
 * dynalite's ReturnConsumedCapacity applies that rule and is what is summed here.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { itemsReadPerSnapshot, MINUTE_MS } from "../../contracts/realtime";
import { sessionKey } from "../../functions/core/ids";
import { createRealtimeReader } from "../../functions/core/realtime";
import { type Deltas, freshFrom, minuteOf, moveDeltas, userRecordKey } from "../../functions/core/realtime-buckets";
import { applyOnce } from "../../functions/core/realtime-moves";
import { createDocumentClient } from "../../functions/shared/clients";
import type { TestDynamo } from "../support/dynalite";
import { PRICES } from "./prices";
import { round, runPool } from "./stats";

export const REALTIME_SCALES = [100, 10_000, 100_000] as const;
/** Distinct current pages of the generated traffic (the item sizes grow with pages, not with sessions). */
export const REALTIME_PAGES = 25;
/** One dashboard refreshing every 5 s for 24 h. */
export const ANSWERS_PER_VIEWER_DAY = (24 * 3600) / 5;

export interface RealtimeScaleRow {
  active_sessions: number;
  active_users: number;
  items_read: number;
  read_units: number;
}

export interface RealtimeReadResult {
  sites: number;
  pages: number;
  rows: RealtimeScaleRow[];
  max_items_per_answer: number;
  /** DynamoDB reads, API Gateway and Lambda requests of one viewer-day at the largest scale (Lambda duration not included). */
  viewer_day_usd: { dynamo_reads: number; requests: number; total_without_duration: number };
  method: string;
}

/** Sums the ConsumedCapacity of every call on `client` (asking for it on each). */
function consumedUnits(client: DynamoDBClient) {
  const total = { units: 0, calls: 0 };
  client.middlewareStack.add(
    (next) => async (args) => {
      (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = "TOTAL";
      const out = await next(args);
      const consumed = (out.output as { ConsumedCapacity?: { CapacityUnits?: number }[] }).ConsumedCapacity ?? [];
      total.units += consumed.reduce((n, c) => n + (c.CapacityUnits ?? 0), 0);
      total.calls++;
      return out;
    },
    { step: "initialize", name: "consumedUnits" },
  );
  return total;
}

function addInto(total: Deltas, more: Deltas) {
  for (const [key, counters] of more) {
    const item = total.get(key) ?? new Map<string, number>();
    for (const [name, by] of counters) item.set(name, (item.get(name) ?? 0) + by);
    total.set(key, item);
  }
}

/** `sessions` live sessions of `site`, last active over the last 30 minutes, 8 of 10 users with one session, the rest with two. */
function generatedCounters(site: string, sessions: number, nowMs: number): { deltas: Deltas; users: number } {
  const deltas: Deltas = new Map();
  const fresh = freshFrom(nowMs);
  const now = minuteOf(nowMs);
  const userMinute = new Map<string, number>();
  for (let i = 0; i < sessions; i++) {
    const minute = now - (i % 30);
    const page = `https://${site}.example/page/${i % REALTIME_PAGES}`;
    const id = sessionKey(site, `sess_${i}`);
    addInto(deltas, moveDeltas("session", { site, entityKey: id, shards: 1 }, undefined, { minute, page }, fresh));
    const user = `user_${i % 10 < 8 ? i : i - 1}`;
    userMinute.set(user, Math.max(userMinute.get(user) ?? minute, minute));
  }
  for (const [user, minute] of userMinute)
    addInto(deltas, moveDeltas("user", { site, entityKey: userRecordKey(site, user), shards: 1 }, undefined, { minute }, fresh));
  return { deltas, users: userMinute.size };
}

async function writeCounters(client: DynamoDBClient, table: string, deltas: Deltas) {
  const db = createDocumentClient(client);
  const items = [...deltas];
  await runPool(items.length, 8, async (i) => {
    const [key, counters] = items[i]!;
    const write = applyOnce(table, key, counters, "bench");
    // The token attribute is the collector's until its move commits; the bench's moves are all committed.
    await db.send(new UpdateCommand(write));
    await db.send(
      new UpdateCommand({
        TableName: table,
        Key: { counter_key: key },
        UpdateExpression: "REMOVE #t",
        ExpressionAttributeNames: { "#t": "t:bench" },
      }),
    );
  });
}

async function measureScale(dynamo: TestDynamo, sessions: number, sites: number, nowMs: number): Promise<RealtimeScaleRow> {
  const tables = await dynamo.freshTables();
  let users = 0;
  for (let s = 0; s < sites; s++) {
    const generated = generatedCounters(`site-${s}`, sessions, nowMs);
    users = generated.users;
    await writeCounters(dynamo.client(), tables.activeSessions, generated.deltas);
  }
  const client = dynamo.client();
  const consumed = consumedUnits(client);
  const keys: number[] = [];
  client.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { RequestItems?: Record<string, { Keys: unknown[] }> };
      for (const r of Object.values(input.RequestItems ?? {})) keys.push(r.Keys.length);
      return next(args);
    },
    { step: "initialize", name: "countKeys" },
  );
  const read = createRealtimeReader(
    { db: createDocumentClient(client), table: tables.activeSessions, cacheMs: 0, shards: 1 },
    { now: () => nowMs },
  );
  const snapshot = await read("site-3");
  if (snapshot.active_sessions !== sessions || snapshot.active_users !== users)
    throw new Error(
      `expected ${sessions} sessions and ${users} users of site-3, counted ${snapshot.active_sessions} and ${snapshot.active_users}`,
    );
  return { active_sessions: sessions, active_users: users, items_read: keys.reduce((a, b) => a + b, 0), read_units: consumed.units };
}

export async function realtimeReadsAtScale(dynamo: TestDynamo, scales: readonly number[] = REALTIME_SCALES): Promise<RealtimeReadResult> {
  // Mid-slot, so the answer reads the most slots a 36-minute span can touch.
  const nowMs = (Math.floor(Date.now() / MINUTE_MS / 6) * 6 + 1) * MINUTE_MS + 30_000;
  const sites = 10;
  const rows: RealtimeScaleRow[] = [];
  for (const sessions of scales) rows.push(await measureScale(dynamo, sessions, sites, nowMs));
  const largest = rows[rows.length - 1]!;
  const dynamoReads = ANSWERS_PER_VIEWER_DAY * largest.read_units * PRICES.dynamoReadUnit.usd;
  const requests = ANSWERS_PER_VIEWER_DAY * (PRICES.httpApiRequest.usd + PRICES.lambdaRequest.usd);
  return {
    sites,
    pages: REALTIME_PAGES,
    rows,
    max_items_per_answer: itemsReadPerSnapshot(1),
    viewer_day_usd: {
      dynamo_reads: round(dynamoReads, 6),
      requests: round(requests, 6),
      total_without_duration: round(dynamoReads + requests, 6),
    },
    method: `generated counters (the collector's per-session deltas, summed) for ${sites} sites × N sessions, ${REALTIME_PAGES} pages; one snapshot of one site; dynalite ReturnConsumedCapacity (TOTAL), eventually consistent; a viewer-day is ${ANSWERS_PER_VIEWER_DAY} answers (one dashboard refreshing every 5 s for 24 h)`,
  };
}
