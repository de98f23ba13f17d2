/**
 * The session invariants (docs/sessions.md), checked on the tables after a generated delivery.
 * Returns every violation as one sentence, so a failing case says exactly what broke.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SESSION_IDLE_TIMEOUT_MS, type TableNames } from "../../contracts/tables";
import { sessionIdOfKey, successorSessionId } from "../../functions/core/ids";
import { scanAll, storedEvents } from "../support/collector";
import { checkRealtime } from "./realtime";
import type { Traffic } from "./visits";

type Row = Record<string, any>;

export interface Answers {
  /** event_id → every session_id a 200 answered for it. */
  sessionIds: Map<string, Set<string>>;
  /** True when no request was attempted twice (then counters must be exact). */
  singleAttempts: boolean;
  /** The latest server time of any attempt: from then on, GET /realtime must answer the brute-force count (realtime.ts). */
  lastServerTime: number;
}

const order = (e: Row) => `${String(e.timestamp).padStart(13, "0")}#${e.event_id}`;
const exp = (ms: number) => Math.floor(ms / 1000) + 30 * 86400;

function checkEvents(traffic: Traffic, events: Row[], answers: Answers, problems: string[]) {
  const byId = new Map<string, Row[]>();
  for (const e of events) byId.set(e.event_id, [...(byId.get(e.event_id) ?? []), e]);
  for (const g of traffic.events) {
    const stored = byId.get(g.event_id) ?? [];
    if (stored.length !== 1) {
      problems.push(`${g.event_id} is stored ${stored.length} times (${stored.map((e) => e.session_id).join(", ")})`);
      continue;
    }
    const [e] = stored;
    if (e.event_key !== `${String(g.sentTs).padStart(13, "0")}#${g.event_id}`)
      problems.push(`${g.event_id} has key ${e.event_key}, not the client's timestamp`);
    if (e.client_timestamp === undefined ? e.timestamp !== g.sentTs : e.client_timestamp !== g.sentTs)
      problems.push(`${g.event_id} lost its client timestamp`);
    const said = [...(answers.sessionIds.get(g.event_id) ?? [])];
    if (said.length !== 1 || said[0] !== e.session_id)
      problems.push(`${g.event_id} is stored in ${e.session_id} but 200s answered ${said.join(", ")}`);
  }
  if (events.length !== traffic.events.length) problems.push(`${events.length} events stored for ${traffic.events.length} sent`);
}

function checkChain(head: string, sessions: Map<string, Row>, bySession: Map<string, Row[]>, problems: string[]): string[] {
  const chain: string[] = [];
  for (let id: string | undefined = head; id !== undefined; ) {
    const row = sessions.get(id);
    if (!row) break;
    chain.push(id);
    if (row.successor === undefined) break;
    const closedAt = row.boundary - SESSION_IDLE_TIMEOUT_MS - 1;
    if (row.successor !== successorSessionId(id, closedAt))
      problems.push(`${id}: successor ${row.successor} is not derived from its state at close`);
    for (const e of bySession.get(id) ?? [])
      if (e.timestamp >= row.boundary) problems.push(`${id}: event ${e.event_id} is at/after the boundary`);
    for (const e of bySession.get(row.successor) ?? [])
      if (e.timestamp < row.boundary) problems.push(`${row.successor}: event ${e.event_id} is before its predecessor's boundary`);
    id = row.successor;
  }
  return chain;
}

function checkSession(row: Row, events: Row[], exact: boolean, problems: string[]) {
  const id = row.session_id;
  if (events.length === 0) {
    problems.push(`${id} has a Sessions row and no events`);
    return;
  }
  const times = events.map((e) => e.timestamp as number);
  const min = Math.min(...times);
  const max = Math.max(...times);
  const pages = events.filter((e) => e.page_url).sort((a, b) => (order(a) < order(b) ? -1 : 1));
  const expect = {
    start_time: min,
    last_activity: max,
    duration_ms: max - min,
    entry_page: pages[0]?.page_url,
    exit_page: pages[pages.length - 1]?.page_url,
  };
  for (const [field, value] of Object.entries(expect))
    if (row[field] !== value) problems.push(`${id}: ${field} is ${row[field]}, expected ${value}`);
  if (!(row.expires_at >= Math.max(...events.map((e) => e.expires_at))))
    problems.push(`${id}: expires_at ${row.expires_at} is before an event's`);
  if (row.expires_at !== exp(max)) problems.push(`${id}: expires_at ${row.expires_at} is not last activity + retention`);
  const views = events.filter((e) => e.event_type === "page_view").length;
  const counted = exact
    ? row.total_events === events.length && row.page_views === views
    : row.total_events >= events.length && row.page_views >= views;
  if (!counted)
    problems.push(
      `${id}: counters ${row.total_events}/${row.page_views} for ${events.length}/${views} events${exact ? " (exact expected)" : ""}`,
    );
}

/** A stored row with its session key and successor key as the bare session ids. */
function bareSessionIds(row: Row): Row {
  const bare: Row = { ...row, session_id: sessionIdOfKey(String(row.session_id)) };
  if (typeof row.successor === "string") bare.successor = sessionIdOfKey(row.successor);
  return bare;
}

/** `seen.liveAnswers` counts the realtime answers checked that had live sessions. */
export async function violations(
  client: DynamoDBClient,
  tables: TableNames,
  traffic: Traffic,
  answers: Answers,
  seen: { liveAnswers: number } = { liveAnswers: 0 },
): Promise<string[]> {
  const problems: string[] = [];
  // Events and Sessions are keyed `<site>#<session>` (docs/sites.md); one site here, so the
  // invariants speak of the session ids the client sees, as the answers do.
  const events: Row[] = (await storedEvents(client, tables.events)).map(bareSessionIds);
  const sessions = new Map<string, Row>(
    (await scanAll(client, tables.sessions)).map((s) => [sessionIdOfKey(String(s.session_id)), bareSessionIds(s)]),
  );
  const bySession = new Map<string, Row[]>();
  for (const e of events) bySession.set(e.session_id, [...(bySession.get(e.session_id) ?? []), e]);
  checkEvents(traffic, events, answers, problems);
  const chains = new Map<string, Set<string>>();
  for (const head of new Set(traffic.events.map((e) => e.chain)))
    chains.set(head, new Set(checkChain(head, sessions, bySession, problems)));
  const headOf = new Map(traffic.events.map((g) => [g.event_id, g.chain]));
  for (const e of events)
    if (!chains.get(headOf.get(e.event_id)!)?.has(e.session_id)) problems.push(`${e.event_id} is in ${e.session_id}, outside its chain`);
  for (const row of sessions.values()) checkSession(row, bySession.get(row.session_id) ?? [], answers.singleAttempts, problems);
  seen.liveAnswers += await checkRealtime(client, tables, bySession, sessions, answers.lastServerTime, problems);
  return problems;
}
