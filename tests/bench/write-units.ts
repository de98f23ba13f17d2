/**
 * write_units_per_event: realistic traffic (visitors whose sessions continue across requests)
 * through handleCollect, counting item and index writes per table from the calls sent (a failed
 * conditional write is billed too, so every call counts).
 * dynalite's ReturnConsumedCapacity is read alongside as a cross-check (it bills table writes
 * by item size but does not model GSI writes, so the count is the figure used).
 */
import type { ConsumedCapacity, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { handleCollect } from "../../functions/core/collect";
import { fixedClock, postEvents, testDeps } from "../support/collector";
import type { TestDynamo } from "../support/dynalite";
import { batchGetReadUnits } from "./read-units";
import { round, runPool } from "./stats";
import { BenchTraffic } from "./traffic";

export interface WriteUnitResult {
  events: number;
  requests: number;
  event_item_writes: number;
  session_updates: number;
  user_index_writes: number;
  active_session_puts: number;
  /** Conditional writes on the Events table's pin partitions (pins, future markers; none in this traffic). */
  out_of_window_pins: number;
  /** BatchGetItem calls reading the chains' future markers (one per request; read units, not write). */
  marker_reads: number;
  /** Read request units those BatchGetItem calls bill (./read-units: one per key, consistent). */
  marker_read_units: number;
  /** marker_read_units per event: the cost model's DynamoDB reads input. */
  read_units_per_event: number;
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

/** Asks every call for its consumed capacity and adds it up (the collector itself never asks). */
export function consumedCapacityMeter(client: DynamoDBClient) {
  const meter = { units: 0, reported: false };
  client.middlewareStack.add(
    (next) => async (args) => {
      (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = "INDEXES";
      const out = await next(args);
      const cc = (out.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }).ConsumedCapacity;
      for (const c of cc === undefined ? [] : Array.isArray(cc) ? cc : [cc]) {
        meter.reported = true;
        meter.units += c.CapacityUnits ?? 0;
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
  const reads = batchGetReadUnits(client);
  const tables = await dynamo.freshTables();
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
  const updates = itemWrites(tables.sessions);
  const puts = itemWrites(tables.activeSessions);
  const pins = itemWrites(tables.events);
  const units = events + updates + created + puts + pins;
  return {
    events,
    requests: visitors * requestsPerVisitor,
    event_item_writes: events,
    session_updates: updates,
    user_index_writes: created,
    active_session_puts: puts,
    out_of_window_pins: pins,
    marker_reads: calls.BatchGetItemCommand?.[tables.events] ?? 0,
    marker_read_units: reads.units,
    read_units_per_event: round(reads.units / events, 3),
    consistent_reads: Object.values(calls.GetItemCommand ?? {}).reduce((a, b) => a + b, 0),
    write_units_per_event: round(units / events, 3),
    dynalite_consumed_wcu_per_event: meter.reported ? round(meter.units / events, 3) : null,
    method:
      "counted: event items (BatchWriteItem) + Sessions UpdateItem calls + UserIndex writes on session creation (KEYS_ONLY) + ActiveSessions PutItem calls + Events PutItem/UpdateItem calls (pins, future markers); items assumed ≤ 1 KB",
  };
}
