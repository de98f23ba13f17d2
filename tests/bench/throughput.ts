/**
 * collector_vs_floor: events/s through handleCollect ÷ events/s of a minimal loop issuing the same
 * DynamoDB calls through the same document client (BatchGetItem of the chains' future markers,
 * BatchWriteItem + per-session UpdateItem, then the session's realtime counter moves, realtime-moves.ts)
 * with no validation, logging or placement logic. Rounds alternate collector/floor so the shared machine's noise hits both alike.
 */

import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { BatchGetCommand, BatchWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { DEFAULTS } from "../../config";
import { realtimeShards } from "../../contracts/realtime";
import type { TableNames } from "../../contracts/tables";
import { handleCollect } from "../../functions/core/collect";
import { eventItem } from "../../functions/core/items";
import { markerKey } from "../../functions/core/pins";
import { groupBySession, normalizeEvents } from "../../functions/core/plan";
import { settleSession } from "../../functions/core/realtime-moves";
import { parseEvents } from "../../functions/core/request";
import { fastPathUpdate } from "../../functions/core/session-updates";
import { chunk } from "../../functions/core/store";
import { createDocumentClient } from "../../functions/shared/clients";
import { counterHex, fixedClock, postEvents, testDeps } from "../support/collector";
import type { TestDynamo } from "../support/dynalite";
import { log, median, round, runPool } from "./stats";
import { type BenchBody, BenchTraffic } from "./traffic";

export interface ThroughputOptions {
  requests: number;
  inFlight: number;
  eventsPerRequest: number;
  sessionsPerRequest: number;
  rounds: number;
}

export interface ThroughputResult {
  collector_events_per_s: number;
  floor_events_per_s: number;
  ratio: number;
  rounds: { collector: number[]; floor: number[] };
  settings: ThroughputOptions;
}

/** Every request has visitors of its own: each request creates `sessionsPerRequest` sessions. */
function bodies(tag: string, o: ThroughputOptions, nowMs: number): BenchBody[] {
  const traffic = new BenchTraffic(tag, o.requests * o.sessionsPerRequest);
  return Array.from({ length: o.requests }, (_, i) => {
    const visitors = Array.from({ length: o.sessionsPerRequest }, (_, k) => i * o.sessionsPerRequest + k);
    return traffic.body(visitors, o.eventsPerRequest, nowMs - 60_000);
  });
}

/** The calls the collector makes for `body`, without its validation, budget, logging or retries. */
function floorCalls(body: BenchBody, tables: TableNames, nowMs: number) {
  const request = postEvents(body);
  const parsed = parseEvents(request);
  const records = normalizeEvents(parsed.events, {
    nowMs,
    siteId: "local",
    retentionDays: 30,
    hex: counterHex(),
    userAgentHeader: request.headers["user-agent"],
  });
  const groups = groupBySession(records);
  const markers = groups.map((g) => markerKey(g.sessionId));
  const updates = groups.map((g) => ({
    sessionId: g.sessionId,
    command: new UpdateCommand(fastPathUpdate(tables.sessions, g.sessionId, g.events, 30)),
  }));
  const writes = [
    // the chains' future markers (functions/core/pins.ts), read before placement by the collector
    new BatchGetCommand({ RequestItems: { [tables.events]: { Keys: markers, ConsistentRead: true } } }),
    ...chunk(
      records.map((e) => ({ PutRequest: { Item: eventItem(e) } })),
      25,
    ).map((c) => new BatchWriteCommand({ RequestItems: { [tables.events]: c } })),
  ];
  return { writes, updates };
}

/** The floor's storage budget: no deadline is reached in a bench round. */
const floorBudget = () => ({
  deadline: Number.POSITIVE_INFINITY,
  signal: new AbortController().signal,
  now: () => performance.now(),
  sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
  random: Math.random,
});

async function timed(o: ThroughputOptions, work: (i: number) => Promise<void>): Promise<number> {
  const started = performance.now();
  await runPool(o.requests, o.inFlight, work);
  return (o.requests * o.eventsPerRequest) / ((performance.now() - started) / 1000);
}

async function collectorRound(dynamo: TestDynamo, client: DynamoDBClient, o: ThroughputOptions, tag: string): Promise<number> {
  const tables = await dynamo.freshTables();
  const nowMs = Date.now();
  const requests = bodies(tag, o, nowMs).map((b) => postEvents(b));
  const deps = testDeps(client, tables);
  return timed(o, async (i) => {
    const out = await handleCollect(requests[i], deps, fixedClock(nowMs));
    if (out.result.statusCode !== 200) throw new Error(`collector answered ${out.result.statusCode}: ${out.result.body}`);
  });
}

async function floorRound(dynamo: TestDynamo, client: DynamoDBClient, o: ThroughputOptions, tag: string): Promise<number> {
  const tables = await dynamo.freshTables();
  const nowMs = Date.now();
  const all = bodies(tag, o, nowMs);
  const db = createDocumentClient(client); // the collector's client, as testDeps wraps it
  // Items are built inside the timed loop, as the collector builds them: the floor skips only
  // validation, logging and retry handling, not the unavoidable item marshalling.
  return timed(o, async (i) => {
    const { writes, updates } = floorCalls(all[i], tables, nowMs);
    const ctx = {
      db,
      sessionsTable: tables.sessions,
      countersTable: tables.activeSessions,
      shards: realtimeShards(DEFAULTS.realtimePeakWriteUnits),
      budget: floorBudget(),
      nowMs,
      wallClock: Date.now,
      owner: randomUUID(),
      userMoves: new Map(),
    };
    await Promise.all([
      ...writes.map((c) => db.send(c as BatchWriteCommand)),
      ...updates.map(async (u) => settleSession(ctx, { sessionId: u.sessionId, row: (await db.send(u.command)).Attributes ?? {} })),
    ]);
  });
}

export async function collectorVsFloor(dynamo: TestDynamo, o: ThroughputOptions): Promise<ThroughputResult> {
  const client = dynamo.client();
  // A full-size warm-up of each: the first rounds run several times slower while V8 and dynalite warm up.
  const warm = { ...o, requests: Math.min(150, o.requests) };
  for (const w of ["w1", "w2"]) {
    await collectorRound(dynamo, client, warm, `${w}-c`);
    await floorRound(dynamo, client, warm, `${w}-f`);
  }
  log("collector_vs_floor warmed up");
  const rounds = { collector: [] as number[], floor: [] as number[] };
  for (let r = 0; r < o.rounds; r++) {
    // Alternate which goes first so a drift in machine load does not favour one side.
    const order = r % 2 === 0 ? (["collector", "floor"] as const) : (["floor", "collector"] as const);
    for (const side of order) {
      const eps = side === "collector" ? await collectorRound(dynamo, client, o, `c${r}`) : await floorRound(dynamo, client, o, `f${r}`);
      rounds[side].push(eps);
      log(`collector_vs_floor round ${r + 1}/${o.rounds} ${side}: ${eps.toFixed(0)} events/s`);
    }
  }
  const c = median(rounds.collector);
  const f = median(rounds.floor);
  return { collector_events_per_s: round(c, 1), floor_events_per_s: round(f, 1), ratio: round(c / f, 3), rounds, settings: o };
}
