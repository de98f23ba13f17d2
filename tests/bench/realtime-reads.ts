/**
 * realtime read units for one site among ten: ten sites' live rows in ActiveSessions (plus some
 * expired ones TTL has not deleted yet), then one GET /realtime?site= snapshot through the real
 * reader (a Query of that site's partition) against a Scan of the whole table, which is what the
 * reader cost before the table was keyed by site. DynamoDB bills a Query or Scan by the bytes it
 * reads (items it filters out included), 4 KB per eventually consistent half unit
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html);
 * dynalite's ReturnConsumedCapacity applies that rule and is what is summed here.
 */
import { BatchWriteItemCommand, type DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import { createRealtimeReader } from "../../functions/core/realtime";
import { chunk } from "../../functions/core/store";
import { createDocumentClient } from "../../functions/shared/clients";
import type { TestDynamo } from "../support/dynalite";

export interface RealtimeReadResult {
  sites: number;
  live_sessions_per_site: number;
  expired_rows_per_site: number;
  one_site_query_read_units: number;
  one_site_query_pages: number;
  whole_table_scan_read_units: number;
  ratio_scan_to_query: number;
  method: string;
}

/** Sums the ConsumedCapacity of every call on `client` (asking for it on each). */
function consumedUnits(client: DynamoDBClient) {
  const total = { units: 0, calls: 0 };
  client.middlewareStack.add(
    (next) => async (args) => {
      (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = "TOTAL";
      const out = await next(args);
      const consumed = (out.output as { ConsumedCapacity?: { CapacityUnits?: number } }).ConsumedCapacity;
      total.units += consumed?.CapacityUnits ?? 0;
      total.calls++;
      return out;
    },
    { step: "initialize", name: "consumedUnits" },
  );
  return total;
}

async function seed(client: DynamoDBClient, table: string, sites: number, live: number, expired: number, nowMs: number) {
  const nowS = Math.floor(nowMs / 1000);
  const rows = Array.from({ length: sites }, (_, s) =>
    Array.from({ length: live + expired }, (_, i) => ({
      PutRequest: {
        Item: {
          site_id: { S: `site-${s}` },
          session_id: { S: `sess_${nowMs}_${String(i).padStart(8, "0")}` },
          user_id: { S: `user_${String(i % 97).padStart(8, "0")}` },
          last_activity: { N: String(nowMs - 60_000) },
          expires_at: { N: String(i < live ? nowS + 1740 : nowS - 60) },
          current_page: { S: `https://site-${s}.example/page/${i % 25}` },
        },
      },
    })),
  ).flat();
  for (const part of chunk(rows, 25)) await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: part } }));
}

export async function realtimeReadsOneSiteAmongTen(dynamo: TestDynamo, live = 200, expired = 20): Promise<RealtimeReadResult> {
  const tables = await dynamo.freshTables();
  const nowMs = Date.now();
  const sites = 10;
  await seed(dynamo.client(), tables.activeSessions, sites, live, expired, nowMs);
  const queryClient = dynamo.client();
  const query = consumedUnits(queryClient);
  const read = createRealtimeReader(
    { db: createDocumentClient(queryClient), table: tables.activeSessions, cacheMs: 0, maxPages: 50 },
    { now: () => nowMs },
  );
  const snapshot = await read("site-3");
  if (snapshot.active_sessions !== live) throw new Error(`expected ${live} live sessions of site-3, counted ${snapshot.active_sessions}`);
  const scanClient = dynamo.client();
  const scan = consumedUnits(scanClient);
  let start: Record<string, unknown> | undefined;
  do {
    const out = await scanClient.send(new ScanCommand({ TableName: tables.activeSessions, ExclusiveStartKey: start as never }));
    start = out.LastEvaluatedKey;
  } while (start);
  return {
    sites,
    live_sessions_per_site: live,
    expired_rows_per_site: expired,
    one_site_query_read_units: query.units,
    one_site_query_pages: query.calls,
    whole_table_scan_read_units: scan.units,
    ratio_scan_to_query: Math.round((scan.units / query.units) * 10) / 10,
    method: "dynalite ReturnConsumedCapacity (TOTAL), eventually consistent",
  };
}
