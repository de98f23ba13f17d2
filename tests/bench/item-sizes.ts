/**
 * Measured item sizes: tracker-like traffic through the real collector (handleCollect) into
 * dynalite, then every stored item read back and sized by DynamoDB's rules (./item-size), per
 * table and for the Sessions UserIndex. These sizes feed the storage and PITR lines of the cost.
 */
import { type AttributeValue, type DynamoDBClient, paginateScan } from "@aws-sdk/client-dynamodb";
import { SESSIONS_TABLE } from "../../contracts/tables";
import { handleCollect } from "../../functions/core/collect";
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

// A current desktop Chrome user agent: what the collector stores when the tracker sends none.
const USER_AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const PAGES = ["/", "/pricing", "/blog/real-time-analytics-on-aws", "/docs/getting-started", "/products/widget-pro?ref=nav"];

/** One visitor's request as the tracker sends it: ids and timestamps set, a page view, clicks, a heartbeat. */
function visitorBatch(v: number, baseMs: number, events: number) {
  const session = `s_${(baseMs + v).toString(36)}_${((0x9e3779b1 * (v + 1)) >>> 0).toString(16).padStart(8, "0")}`;
  return {
    events: Array.from({ length: events }, (_, i) => {
      const type = i % 5 === 0 ? "page_view" : i % 5 === 4 ? "heartbeat" : "click";
      return {
        event_type: type,
        event_id: `e_${(baseMs + v * 100 + i).toString(36)}_${((i * 2654435761) >>> 0).toString(16).padStart(8, "0")}`,
        session_id: session,
        user_id: `u_${((0x85ebca6b * (v + 1)) >>> 0).toString(16).padStart(8, "0")}`,
        timestamp: baseMs + i * 3_000,
        page_url: `https://www.example.com${PAGES[(v + Math.floor(i / 5)) % PAGES.length]}`,
        ...(i === 0 ? { referrer: "https://www.google.com/" } : {}),
        ...(type === "click" ? { properties: { element_id: `cta-${i}`, x: 120 + i, y: 480 } } : {}),
      };
    }),
  };
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
  for (let v = 0; v < visitors; v++) {
    const request = postEvents(visitorBatch(v, base, eventsPerSession), { "user-agent": USER_AGENT });
    const out = await handleCollect(request, deps, fixedClock(base + 60_000));
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
    method: `${visitors} tracker-like visitors × ${eventsPerSession} events (page view, clicks with 3 properties, heartbeat; Chrome user agent) through handleCollect into dynalite; every stored item sized by DynamoDB's rules + 100 B`,
  };
}
