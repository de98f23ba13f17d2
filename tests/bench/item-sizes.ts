/**
 * Measured item sizes: tracker-like traffic through the real collector (handleCollect) into
 * dynalite, then every stored item read back and sized by DynamoDB's rules (./item-size), per
 * table and for the Sessions UserIndex. These sizes feed the storage and PITR lines of the cost.
 */
import { type AttributeValue, type DynamoDBClient, paginateScan } from "@aws-sdk/client-dynamodb";
import { SESSIONS_TABLE } from "../../contracts/tables";
import { handleCollect } from "../../functions/core/collect";
import { TrafficGenerator } from "../../scripts/lib/event-generator";
import { fixedClock, postEvents, testDeps } from "../support/collector";
import type { TestDynamo } from "../support/dynalite";
import { keysOnlyIndexEntryBytes, storedItemBytes } from "./item-size";
import { round } from "./stats";

export interface TableSize {
  items: number;
  /** Mean billed bytes per item: size + 100 B overhead. */
  mean_stored_bytes: number;
}

export interface ItemSizes {
  events: TableSize;
  sessions: TableSize;
  user_index: TableSize;
  active_sessions: TableSize;
  events_per_session: number;
  method: string;
}

/**
 * The tools' one event generator supplies the visitors and the event mix; the ids are re-minted in
 * the tracker's own shapes (`u_` + 16 hex, `s_<ms>_` + 16 hex, `e_` + 16 hex), since id lengths are
 * part of every stored item's size and the load tester's ids are shorter.
 */
function visitorBatches(visitors: number, baseMs: number, events: number) {
  const generator = new TrafficGenerator({ sessions: visitors, seed: 1, runId: "sizes" });
  let n = 0;
  const hex16 = () => (++n).toString(16).padStart(16, "0");
  return generator.visitors.map((visitor) => {
    const user_id = `u_${hex16()}`;
    const session_id = `s_${baseMs}_${hex16()}`;
    const batch = generator.nextEvents(visitor, events, baseMs + events * 100);
    return { events: batch.map((e) => ({ ...e, user_id, session_id, event_id: `e_${hex16()}` })) };
  });
}

/** Raw items (attribute values, not plain JS): the size rules count the encoded attributes. */
async function scanItems(client: DynamoDBClient, table: string): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  for await (const page of paginateScan({ client }, { TableName: table })) items.push(...(page.Items ?? []));
  return items;
}

const mean = (sizes: number[]): TableSize => ({
  items: sizes.length,
  mean_stored_bytes: sizes.length ? Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length) : 0,
});

export async function measureItemSizes(dynamo: TestDynamo, visitors = 40, eventsPerSession = 10): Promise<ItemSizes> {
  const client = dynamo.client();
  const tables = await dynamo.freshTables();
  const deps = testDeps(client, tables, { retentionDays: 395 });
  const base = Date.now() - 10 * 60_000;
  for (const batch of visitorBatches(visitors, base, eventsPerSession)) {
    const out = await handleCollect(postEvents(batch), deps, fixedClock(base + 60_000));
    if (out.result.statusCode !== 200) throw new Error(`collector answered ${out.result.statusCode}: ${out.result.body}`);
  }
  const [events, sessions, active] = await Promise.all(
    [tables.events, tables.sessions, tables.activeSessions].map((t) => scanItems(client, t)),
  );
  const index = SESSIONS_TABLE.globalIndexes[0]!;
  const indexKeys = [index.hashKey.name, ...(index.rangeKey ? [index.rangeKey.name] : [])];
  return {
    events: mean(events.map(storedItemBytes)),
    sessions: mean(sessions.map(storedItemBytes)),
    user_index: mean(sessions.flatMap((s) => keysOnlyIndexEntryBytes(s, [SESSIONS_TABLE.hashKey.name], indexKeys) ?? [])),
    active_sessions: mean(active.map(storedItemBytes)),
    events_per_session: round(events.length / sessions.length, 2),
    method: `${visitors} visitors × ${eventsPerSession} events from the load tester's event generator (page views, clicks, add-to-cart, heartbeats) with the tracker's id shapes, through handleCollect into dynalite; every stored item sized by DynamoDB's rules + 100 B`,
  };
}
