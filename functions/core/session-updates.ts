/**
 * The conditional Sessions updates. DynamoDB update expressions have no min/max, so every side
 * that must move (start_time down, last_activity up, entry page earlier, exit page later) is SET
 * under a condition that it still needs to move; a failed condition means another writer got
 * there first, and the caller re-reads and recomputes. Counters are ADDs in the same call, so a
 * call that applies counts its events once.
 */
import type { UpdateCommandInput } from "@aws-sdk/lib-dynamodb";
import { SESSION_IDLE_TIMEOUT_MS } from "../../contracts/tables";
import { type EventRecord, expiresAt, orderOf } from "./plan";
import type { SessionState } from "./session-state";
import type { Item } from "./store";

export interface Closing {
  successor: string;
  boundary: number;
  /** The closed session is its chain's head: the same write records the successor as the chain's tail. */
  head?: boolean;
}

/** What one batch of events (sorted by time) contributes to its session. */
function spanOf(events: EventRecord[]) {
  const pages = events.filter((e) => e.page_url);
  const firstOf = (pick: (e: EventRecord) => string | undefined) => events.map(pick).find((v) => v !== undefined && v !== "");
  return {
    first: events[0].timestamp,
    last: events[events.length - 1].timestamp,
    entry: pages[0],
    exit: pages[pages.length - 1],
    firstSeen: {
      site_id: firstOf((e) => e.site_id),
      user_id: firstOf((e) => e.user_id),
      referrer: firstOf((e) => e.referrer),
      user_agent: firstOf((e) => e.user_agent),
      ip_prefix: firstOf((e) => e.ip_prefix),
    },
    count: events.length,
    pageViews: events.filter((e) => e.event_type === "page_view").length,
  };
}

class Expression {
  readonly sets: string[] = [];
  readonly conditions: string[] = [];
  readonly values: Item = {};
  set(clause: string, values: Item = {}) {
    this.sets.push(clause);
    Object.assign(this.values, values);
  }
  when(condition: string, values: Item = {}) {
    this.conditions.push(condition);
    Object.assign(this.values, values);
  }
  build(table: string, sessionId: string, span?: ReturnType<typeof spanOf>): UpdateCommandInput {
    const add = span ? " ADD total_events :n, page_views :pv" : "";
    if (span) Object.assign(this.values, { ":n": span.count, ":pv": span.pageViews });
    return {
      TableName: table,
      Key: { session_id: sessionId },
      UpdateExpression: `SET ${this.sets.join(", ")}${add}`,
      ConditionExpression: this.conditions.join(" AND "),
      ExpressionAttributeValues: this.values,
      // The row after the update: the realtime counters move to it, and a new row has counted only these events.
      ReturnValues: "ALL_NEW",
      // AWS returns the stored item with the ConditionalCheckFailedException (UpdateItem API
      // reference, ReturnValuesOnConditionCheckFailure); store.ts reads it when it is absent.
      ReturnValuesOnConditionCheckFailure: "ALL_OLD",
    };
  }
}

function setFirstSeen(x: Expression, span: ReturnType<typeof spanOf>) {
  for (const [name, value] of Object.entries(span.firstSeen)) {
    if (value !== undefined) x.set(`${name} = if_not_exists(${name}, :${name})`, { [`:${name}`]: value });
  }
}

function setClosing(x: Expression, closing: Closing | undefined) {
  if (closing) x.set("successor = :successor, boundary = :boundary", { ":successor": closing.successor, ":boundary": closing.boundary });
  if (closing?.head) x.set("tail_id = :successor, tail_from = :boundary");
}

/**
 * Moves the chain head's tail pointer forward to a session this request started (one write per
 * request that closed a session other than the head). Only forward: a request that saw an older
 * tail loses the condition, which the caller ignores. The pointer is a shortcut, never the truth:
 * a missed update only makes a later request walk a little further.
 */
export function tailUpdate(table: string, headId: string, closing: Closing): UpdateCommandInput {
  return {
    TableName: table,
    Key: { session_id: headId },
    UpdateExpression: "SET tail_id = :tail, tail_from = :from",
    ConditionExpression: "attribute_exists(session_id) AND (attribute_not_exists(tail_from) OR tail_from < :from)",
    ExpressionAttributeValues: { ":tail": closing.successor, ":from": closing.boundary },
  };
}

/**
 * The common case in one call: the session is new, or open with its last activity before these
 * events and at most 30 minutes before the first of them. Optionally closes it right after them
 * (the request's next event comes after an idle gap).
 */
export function fastPathUpdate(
  table: string,
  sessionId: string,
  events: EventRecord[],
  retentionDays: number,
  closing?: Closing,
): UpdateCommandInput {
  const span = spanOf(events);
  const x = new Expression();
  x.set("start_time = if_not_exists(start_time, :first), last_activity = :last, duration_ms = :last - if_not_exists(start_time, :first)", {
    ":first": span.first,
    ":last": span.last,
  });
  x.set("expires_at = :exp", { ":exp": expiresAt(span.last, retentionDays) });
  if (span.entry)
    x.set("entry_page = if_not_exists(entry_page, :ep), entry_key = if_not_exists(entry_key, :ek)", {
      ":ep": span.entry.page_url!,
      ":ek": orderOf(span.entry),
    });
  if (span.exit) x.set("exit_page = :xp, exit_key = :xk", { ":xp": span.exit.page_url!, ":xk": orderOf(span.exit) });
  setFirstSeen(x, span);
  setClosing(x, closing);
  x.when("(attribute_not_exists(session_id) OR (attribute_not_exists(successor) AND last_activity BETWEEN :cutoff AND :before))", {
    ":cutoff": span.first - SESSION_IDLE_TIMEOUT_MS,
    ":before": span.first - 1,
  });
  return x.build(table, sessionId, span);
}

export interface MergeOptions {
  retentionDays: number;
  /** Close the session in the same call (condition: last_activity is still `state.last`). */
  closing?: Closing;
}

/**
 * Adds events to an existing session whose state was just read, moving only the sides that need
 * it, each under the condition that it still does. `events` may be empty (a pure close).
 */
export function mergeUpdate(
  table: string,
  sessionId: string,
  events: EventRecord[],
  state: SessionState,
  options: MergeOptions,
): UpdateCommandInput {
  const x = new Expression();
  x.when("attribute_exists(session_id)");
  x.when(
    state.successor ? "successor = :known_successor" : "attribute_not_exists(successor)",
    state.successor ? { ":known_successor": state.successor } : {},
  );
  if (options.closing) x.when("last_activity = :seen_last", { ":seen_last": state.last! });
  setClosing(x, options.closing);
  if (events.length === 0) return x.build(table, sessionId);
  const span = spanOf(events);
  const low = state.start === undefined || span.first < state.start;
  const high = state.last === undefined || span.last > state.last;
  if (low) {
    x.set("start_time = :first", { ":first": span.first });
    x.when("(attribute_not_exists(start_time) OR start_time > :first)");
  }
  if (high) {
    x.set("last_activity = :last, expires_at = :exp", { ":last": span.last, ":exp": expiresAt(span.last, options.retentionDays) });
    if (!options.closing) x.when("(attribute_not_exists(last_activity) OR last_activity < :last)");
  }
  if (low && high) x.set("duration_ms = :last - :first");
  else if (low) x.set("duration_ms = last_activity - :first");
  else if (high) x.set("duration_ms = :last - start_time");
  if (span.entry && (state.entryKey === undefined || orderOf(span.entry) < state.entryKey)) {
    x.set("entry_page = :ep, entry_key = :ek", { ":ep": span.entry.page_url!, ":ek": orderOf(span.entry) });
    x.when("(attribute_not_exists(entry_key) OR entry_key > :ek)");
  }
  if (span.exit && (state.exitKey === undefined || orderOf(span.exit) > state.exitKey)) {
    x.set("exit_page = :xp, exit_key = :xk", { ":xp": span.exit.page_url!, ":xk": orderOf(span.exit) });
    x.when("(attribute_not_exists(exit_key) OR exit_key < :xk)");
  }
  setFirstSeen(x, span);
  return x.build(table, sessionId, span);
}
