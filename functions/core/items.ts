import type { AttributeValue, PutItemCommandInput, UpdateItemCommandInput } from "@aws-sdk/client-dynamodb";
import { ACTIVE_WINDOW_MS } from "../../contracts/tables";
import { type Item, N, S } from "./attributes";
import { type EventRecord, keyOf, type SessionGroup } from "./plan";
import type { Scalar } from "./validate";

function scalar(v: Scalar): AttributeValue {
  if (typeof v === "string") return S(v);
  if (typeof v === "number") return N(v);
  return { BOOL: v };
}

/** Adds the optional attributes that are present (an absent field is left out, never stored empty). */
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

/** Epoch seconds at which the session stops being active: last activity + 30 minutes. */
export function activeExpiry(group: SessionGroup): number {
  return Math.floor((group.events[group.events.length - 1].timestamp + ACTIVE_WINDOW_MS) / 1000);
}

// Never move the row backwards: an older request arriving late changes nothing.
const ACTIVE_CONDITION = "attribute_not_exists(session_id) OR last_activity <= :last";

/**
 * The ActiveSessions row when the group's latest event has a page: a whole-item put, conditional
 * so a late, older request cannot move the row backwards.
 */
export function activeSessionPut(table: string, group: SessionGroup): PutItemCommandInput {
  const latest = group.events[group.events.length - 1];
  const item = withOptional(
    { session_id: S(group.sessionId), user_id: S(latest.user_id), last_activity: N(latest.timestamp), expires_at: N(activeExpiry(group)) },
    { current_page: latest.page_url },
  );
  return {
    TableName: table,
    Item: item,
    ConditionExpression: ACTIVE_CONDITION,
    ExpressionAttributeValues: { ":last": N(latest.timestamp) },
  };
}

/**
 * The ActiveSessions row when the latest event has no page (a heartbeat): an update, because a put
 * would replace the row and erase `current_page`. The page of the group's latest page event, if
 * any, still moves the row on.
 */
export function activeSessionUpdate(table: string, group: SessionGroup): UpdateItemCommandInput {
  const latest = group.events[group.events.length - 1];
  const page = [...group.events].reverse().find((e) => e.page_url)?.page_url;
  const values: Item = { ":user": S(latest.user_id), ":last": N(latest.timestamp), ":exp": N(activeExpiry(group)) };
  const sets = ["user_id = :user", "last_activity = :last", "expires_at = :exp"];
  if (page) {
    values[":page"] = S(page);
    sets.push("current_page = :page");
  }
  return {
    TableName: table,
    Key: { session_id: S(group.sessionId) },
    UpdateExpression: `SET ${sets.join(", ")}`,
    ConditionExpression: ACTIVE_CONDITION,
    ExpressionAttributeValues: values,
  };
}
