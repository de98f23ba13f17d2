/**
 * The realtime invariant (docs/api.md, GET /realtime; issue 21): after a delivery, the answer at
 * any time from the last attempt on equals a brute-force count over the events actually stored:
 * a session is active while the minute of its latest event is one of the last 30 (contracts/realtime.ts),
 * its page is its latest page, its user the Sessions row's. Read at the end and at the window's
 * edges of the sessions' minutes, so sessions crossing out of the window are checked on both sides.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ACTIVE_WINDOW_MINUTES, MINUTE_MS, TOP_PAGES } from "../../contracts/realtime";
import type { TableNames } from "../../contracts/tables";
import type { RealtimeSnapshot } from "../../functions/core/realtime";
import { realtimeAt } from "../support/collector";

type Row = Record<string, any>;

const minute = (ms: number) => Math.floor(ms / MINUTE_MS);
const order = (e: Row) => `${String(e.timestamp).padStart(13, "0")}#${e.event_id}`;

/** What GET /realtime must answer at `nowMs`, counted from the stored events and the Sessions rows' users. */
export function bruteForce(bySession: Map<string, Row[]>, sessions: Map<string, Row>, nowMs: number) {
  const pages = new Map<string, number>();
  const users = new Set<string>();
  let active = 0;
  for (const [id, events] of bySession) {
    const last = Math.max(...events.map((e) => e.timestamp as number));
    if (minute(last) < minute(nowMs) - ACTIVE_WINDOW_MINUTES + 1) continue;
    active++;
    const user = sessions.get(id)?.user_id;
    if (typeof user === "string") users.add(user);
    const withPage = events.filter((e) => e.page_url).sort((a, b) => (order(a) < order(b) ? -1 : 1));
    const page = withPage[withPage.length - 1]?.page_url;
    if (page) pages.set(page, (pages.get(page) ?? 0) + 1);
  }
  const top_pages = [...pages]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, TOP_PAGES)
    .map(([page_url, n]) => ({ page_url, sessions: n }));
  return { active_sessions: active, active_users: users.size, top_pages };
}

/** The read times (the answers with live sessions among them are counted, so a suite can show it checked some): the last attempt's, and either side of the window's end for up to four of the sessions' last minutes. */
export function readTimes(bySession: Map<string, Row[]>, lastServerTime: number): number[] {
  const edges = [...new Set([...bySession.values()].map((events) => minute(Math.max(...events.map((e) => e.timestamp as number)))))]
    .map((m) => (m + ACTIVE_WINDOW_MINUTES) * MINUTE_MS)
    .filter((edge) => edge - 1 >= lastServerTime)
    .sort((a, b) => a - b)
    .slice(0, 4);
  return [lastServerTime, ...edges.flatMap((edge) => [edge - 1, edge])];
}

export async function checkRealtime(
  client: DynamoDBClient,
  tables: TableNames,
  bySession: Map<string, Row[]>,
  sessions: Map<string, Row>,
  lastServerTime: number,
  problems: string[],
): Promise<number> {
  let counted = 0;
  for (const at of readTimes(bySession, lastServerTime)) {
    const answer: RealtimeSnapshot = await realtimeAt(client, tables, at);
    const expected = bruteForce(bySession, sessions, at);
    const got = { active_sessions: answer.active_sessions, active_users: answer.active_users, top_pages: answer.top_pages };
    if (expected.active_sessions > 0) counted++;
    if (JSON.stringify(got) !== JSON.stringify(expected))
      problems.push(`realtime at ${new Date(at).toISOString()}: answered ${JSON.stringify(got)}, brute force ${JSON.stringify(expected)}`);
  }
  return counted;
}
