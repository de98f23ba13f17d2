import type { AttributeValue, PutItemCommandInput, UpdateItemCommandInput } from "@aws-sdk/client-dynamodb";
import { ACTIVE_WINDOW_MS, SESSION_IDLE_TIMEOUT_MS } from "../shared/schema";
import { EventRecord, keyOf, SessionGroup } from "./plan";
import type { Scalar } from "./validate";

type Item = Record<string, AttributeValue>;

const S = (v: string): AttributeValue => ({ S: v });
const N = (v: number): AttributeValue => ({ N: String(v) });

function scalar(v: Scalar): AttributeValue {
  if (typeof v === "string") return S(v);
  if (typeof v === "number") return N(v);
  return { BOOL: v };
}

/** Adds the optional string attributes that are present (DynamoDB rejects empty key-less values less often than nulls). */
function withOptional(item: Item, fields: Record<string, string | number | undefined>): Item {
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined || value === "") continue;
    item[name] = typeof value === "number" ? N(value) : S(value);
  }
  return item;
}

export function eventItem(e: EventRecord): Item {
  const properties: Record<string, AttributeValue> = Object.create(null);
  for (const [k, v] of e.properties) properties[k] = scalar(v);
  const item: Item = {
    session_id: S(e.session_id),
    event_key: S(keyOf(e)),
    event_id: S(e.event_id),
    event_type: S(e.event_type),
    user_id: S(e.user_id),
    timestamp: N(e.timestamp),
    received_at: N(e.received_at),
    expires_at: N(e.expires_at),
    properties: { M: properties },
  };
  return withOptional(item, {
    page_url: e.page_url,
    referrer: e.referrer,
    user_agent: e.user_agent,
    ip_prefix: e.ip_prefix,
    client_timestamp: e.client_timestamp,
  });
}

const first = <T>(events: EventRecord[], pick: (e: EventRecord) => T | undefined) =>
  events.map(pick).find((v) => v !== undefined && v !== "");
const last = <T>(events: EventRecord[], pick: (e: EventRecord) => T | undefined) => first([...events].reverse(), pick);

/**
 * One atomic, conditional UpdateItem per session: first-seen fields with if_not_exists, counters
 * with ADD, and the rollover rule as the condition (no read before the write). A session whose
 * last activity is more than 30 minutes before this group's first event fails the condition.
 */
export function sessionUpdate(table: string, group: SessionGroup, retentionDays: number): UpdateItemCommandInput {
  const { events } = group;
  const start = events[0].timestamp;
  const end = events[events.length - 1].timestamp;
  const values: Item = {
    ":user": S(events[0].user_id),
    ":start": N(start),
    ":last": N(end),
    ":cutoff": N(start - SESSION_IDLE_TIMEOUT_MS),
    ":exp": N(Math.floor(end / 1000) + retentionDays * 86_400),
    ":n": N(events.length),
    ":pv": N(events.filter((e) => e.event_type === "page_view").length),
  };
  const sets = [
    "user_id = if_not_exists(user_id, :user)",
    "start_time = if_not_exists(start_time, :start)",
    "last_activity = :last",
    "duration_ms = :last - if_not_exists(start_time, :start)",
    "expires_at = :exp",
  ];
  const firstSeen = { entry_page: first(events, (e) => e.page_url), referrer: first(events, (e) => e.referrer),
    user_agent: first(events, (e) => e.user_agent), ip_prefix: first(events, (e) => e.ip_prefix) };
  for (const [name, value] of Object.entries(firstSeen)) {
    if (value === undefined) continue;
    values[`:${name}`] = S(value);
    sets.push(`${name} = if_not_exists(${name}, :${name})`);
  }
  const exitPage = last(events, (e) => e.page_url);
  if (exitPage !== undefined) {
    values[":exit_page"] = S(exitPage);
    sets.push("exit_page = :exit_page");
  }
  return {
    TableName: table,
    Key: { session_id: S(group.sessionId) },
    UpdateExpression: `SET ${sets.join(", ")} ADD total_events :n, page_views :pv`,
    ConditionExpression: "attribute_not_exists(session_id) OR last_activity >= :cutoff",
    ExpressionAttributeValues: values,
    ReturnValues: "UPDATED_OLD",
  };
}

/** The ActiveSessions row; the condition keeps a late, older request from moving it backwards. */
export function activeSessionPut(table: string, group: SessionGroup): PutItemCommandInput {
  const { events } = group;
  const lastEvent = events[events.length - 1];
  const item = withOptional(
    {
      session_id: S(group.sessionId),
      user_id: S(lastEvent.user_id),
      last_activity: N(lastEvent.timestamp),
      expires_at: N(activeExpiry(group)),
    },
    { current_page: last(events, (e) => e.page_url) },
  );
  return {
    TableName: table,
    Item: item,
    ConditionExpression: "attribute_not_exists(session_id) OR last_activity <= :last",
    ExpressionAttributeValues: { ":last": N(lastEvent.timestamp) },
  };
}

/** Epoch seconds at which the session stops being active: last activity + 30 minutes. */
export function activeExpiry(group: SessionGroup): number {
  return Math.floor((group.events[group.events.length - 1].timestamp + ACTIVE_WINDOW_MS) / 1000);
}
