/**
 * many_sessions: the "100 sessions × 1 event" batch shape (a server-side sender batching many
 * visitors, issue 17 §2) through handleCollect on dynalite: latency per request (one request at a
 * time, so it is the request's own fan-out that is timed) and write units per event, counted from
 * the calls sent as write_units_per_event counts them.
 */
import { performance } from "node:perf_hooks";
import { handleCollect } from "../../functions/core/collect";
import { fixedClock, postEvents, testDeps } from "../support/collector";
import type { TestDynamo } from "../support/dynalite";
import { manySessionBatch, percentile } from "./many-sessions-load";
import { round } from "./stats";
import { callsByTable } from "./write-units";

export interface ManySessionsResult {
  requests: number;
  sessions_per_request: number;
  p50_ms: number;
  p99_ms: number;
  write_units_per_event: number;
  write_units_per_request: number;
  calls_per_request: number;
  method: string;
}

export async function manySessions(dynamo: TestDynamo, requests: number, sessionsPerRequest = 100): Promise<ManySessionsResult> {
  const client = dynamo.client();
  const calls = callsByTable(client);
  const tables = await dynamo.freshTables();
  const deps = testDeps(client, tables);
  const latencies: number[] = [];
  let events = 0;
  let created = 0;
  for (let r = 0; r < requests + 1; r++) {
    const now = Date.now();
    const request = postEvents(manySessionBatch(`many${r}`, sessionsPerRequest, now));
    const started = performance.now();
    const out = await handleCollect(request, deps, fixedClock(now));
    if (out.result.statusCode !== 200) throw new Error(`collector answered ${out.result.statusCode}: ${out.result.body}`);
    if (r === 0) {
      for (const k of Object.keys(calls)) delete calls[k]; // the first request warms up; not counted
      continue;
    }
    latencies.push(performance.now() - started);
    events += out.events;
    created += out.sessionsCreated;
  }
  const writes = (command: string, table: string) => calls[command]?.[table] ?? 0;
  const itemWrites = (table: string) => ["PutItemCommand", "UpdateItemCommand"].reduce((n, c) => n + writes(c, table), 0);
  const units = events + itemWrites(tables.sessions) + created + itemWrites(tables.activeSessions) + itemWrites(tables.events);
  const allCalls = Object.values(calls).reduce((n, byTable) => n + Object.values(byTable).reduce((a, b) => a + b, 0), 0);
  return {
    requests,
    sessions_per_request: sessionsPerRequest,
    p50_ms: round(percentile(latencies, 50), 1),
    p99_ms: round(percentile(latencies, 99), 1),
    write_units_per_event: round(units / events, 3),
    write_units_per_request: round(units / requests, 1),
    calls_per_request: round(allCalls / requests, 1),
    method:
      "one request at a time on in-process dynalite (a warm-up request first); write units counted as write_units_per_event counts them",
  };
}
