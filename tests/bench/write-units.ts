/**
 * write_units_per_event: realistic traffic (visitors whose sessions continue across requests)
 * through handleCollect, counting item and index writes per table from the calls sent (a failed
 * conditional write is billed too, so every call counts). The realtime counters' writes (the
 * ActiveSessions slot, and the marker writes on Sessions rows, realtime-moves.ts) are billed by
 * item size, as DynamoDB bills an UpdateItem: the larger of the item before and after, per 1 KB
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html);
 * dynalite's ReturnConsumedCapacity applies that rule and is what is summed for them.
 * dynalite's ReturnConsumedCapacity is read alongside as a cross-check (it bills table writes
 * by item size but does not model GSI writes, so the count is the figure used).
 */
import type { ConsumedCapacity, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { handleCollect } from "../../functions/core/collect";
import { fixedClock, postEvents, testDeps } from "../support/collector";
import type { TestDynamo } from "../support/dynalite";
import { round, runPool } from "./stats";
import { BenchTraffic } from "./traffic";

export interface WriteUnitResult {
  events: number;
  requests: number;
  event_item_writes: number;
  session_updates: number;
  user_index_writes: number;
  /** UpdateItem calls on the counters table (bucket items and user records). */
  counter_writes: number;
  /** Sessions UpdateItem calls that start or commit a realtime move (rt_move). */
  session_marker_writes: number;
  /** Write units of those two, by item size (dynalite ConsumedCapacity). */
  realtime_write_units: number;
  realtime_write_units_per_event: number;
  /** Conditional writes on the Events table's pin partitions (pins, future markers; none in this traffic). */
  out_of_window_pins: number;
  /** BatchGetItem calls reading the chains' future markers (one per request; read units, not write). */
  marker_reads: number;
  /** Strongly consistent reads after a failed condition (local mode only; read units, not write). */
  consistent_reads: number;
  write_units_per_event: number;
  dynalite_consumed_wcu_per_event: number | null;
  method: string;
}

/** Calls sent, by command and then table name. */
export function callsByTable(client: DynamoDBClient) {
  const calls: Record<string, Record<string, number>> = {};
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const byTable = (calls[context.commandName as string] ??= {});
      const input = args.input as { TableName?: string; RequestItems?: Record<string, unknown> };
      for (const table of input.TableName ? [input.TableName] : Object.keys(input.RequestItems ?? {}))
        byTable[table] = (byTable[table] ?? 0) + 1;
      return next(args);
    },
    { step: "initialize", name: "benchCalls" },
  );
  return calls;
}

/** A realtime write: any call on the counters table, or a Sessions update that moves a marker. */
const isRealtimeWrite = (input: { TableName?: string; UpdateExpression?: string }, countersTable: string | undefined) =>
  input.TableName !== undefined && (input.TableName === countersTable || /\brt_move\b/.test(input.UpdateExpression ?? ""));

/**
 * Asks every call for its consumed capacity and adds it up (the collector itself never asks);
 * `realtime` sums the realtime writes' share (countersTable set once the tables exist).
 */
export function consumedCapacityMeter(client: DynamoDBClient) {
  const meter = { units: 0, reported: false, realtime: 0, realtimeCalls: 0, countersTable: undefined as string | undefined };
  client.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { ReturnConsumedCapacity?: string; TableName?: string; UpdateExpression?: string };
      input.ReturnConsumedCapacity = "INDEXES";
      const realtime = isRealtimeWrite(input, meter.countersTable);
      if (realtime) meter.realtimeCalls++;
      const out = await next(args);
      const cc = (out.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }).ConsumedCapacity;
      for (const c of cc === undefined ? [] : Array.isArray(cc) ? cc : [cc]) {
        meter.reported = true;
        meter.units += c.CapacityUnits ?? 0;
        if (realtime) meter.realtime += c.CapacityUnits ?? 0;
      }
      return out;
    },
    { step: "initialize", name: "benchConsumedCapacity" },
  );
  return meter;
}

export async function writeUnitsPerEvent(
  dynamo: TestDynamo,
  eventsPerRequest: number,
  visitors = 20,
  requestsPerVisitor = 10,
): Promise<WriteUnitResult> {
  const client = dynamo.client();
  const calls = callsByTable(client);
  const itemWrites = (table: string) =>
    ["PutItemCommand", "UpdateItemCommand", "DeleteItemCommand"].reduce((n, command) => n + (calls[command]?.[table] ?? 0), 0);
  const meter = consumedCapacityMeter(client);
  const tables = await dynamo.freshTables();
  meter.countersTable = tables.activeSessions;
  const deps = testDeps(client, tables);
  const base = Date.now() - 60 * 60_000;
  let events = 0;
  let created = 0;
  // Drawn before the concurrent part, so the traffic does not depend on how the visitors interleave.
  const traffic = new BenchTraffic(`b${eventsPerRequest}`, visitors);
  const bodies = Array.from({ length: visitors }, (_, v) =>
    Array.from({ length: requestsPerVisitor }, (_, r) => traffic.body([v], eventsPerRequest, base + r * 60_000)),
  );
  // One visitor's requests go in order (a session continues); visitors run concurrently.
  await runPool(visitors, 8, async (v) => {
    for (let r = 0; r < requestsPerVisitor; r++) {
      const out = await handleCollect(postEvents(bodies[v]![r]), deps, fixedClock(base + r * 60_000 + 1_000));
      if (out.result.statusCode !== 200) throw new Error(`collector answered ${out.result.statusCode}: ${out.result.body}`);
      events += out.events;
      created += out.sessionsCreated;
    }
  });
  const counterWrites = itemWrites(tables.activeSessions);
  const markerWrites = meter.realtimeCalls - counterWrites - (calls.GetItemCommand?.[tables.activeSessions] ?? 0);
  // Placement's own Sessions updates; the marker writes are billed by size below.
  const updates = itemWrites(tables.sessions) - markerWrites;
  const pins = itemWrites(tables.events);
  const units = events + updates + created + meter.realtime + pins;
  return {
    events,
    requests: visitors * requestsPerVisitor,
    event_item_writes: events,
    session_updates: updates,
    user_index_writes: created,
    counter_writes: counterWrites,
    session_marker_writes: markerWrites,
    realtime_write_units: round(meter.realtime, 3),
    realtime_write_units_per_event: round(meter.realtime / events, 3),
    out_of_window_pins: pins,
    marker_reads: calls.BatchGetItemCommand?.[tables.events] ?? 0,
    consistent_reads: Object.values(calls.GetItemCommand ?? {}).reduce((a, b) => a + b, 0),
    write_units_per_event: round(units / events, 3),
    dynalite_consumed_wcu_per_event: meter.reported ? round(meter.units / events, 3) : null,
    method:
      "counted: event items (BatchWriteItem) + Sessions UpdateItem calls of placement + UserIndex writes on session creation (KEYS_ONLY) + Events PutItem/UpdateItem calls (pins, future markers), items assumed ≤ 1 KB; plus the realtime writes (counter items, user records, Sessions marker writes) by item size from dynalite ConsumedCapacity (applied writes; a failed condition is not reported by dynalite)",
  };
}
