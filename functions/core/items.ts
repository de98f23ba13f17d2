import { type NativeAttributeValue, NumberValue, type PutCommandInput, type UpdateCommandInput } from "@aws-sdk/lib-dynamodb";
import { ACTIVE_WINDOW_MS } from "../../contracts/tables";
import { dynamoNumber } from "./numbers";
import { type EventRecord, keyOf, type SessionGroup } from "./plan";
import type { Item } from "./store";

/**
 * Numbers the server computes (times, counters, expiries) are safe integers, which lib-dynamodb
 * writes as String(n): plain decimal. A user-supplied number is passed as a NumberValue of its
 * dynamoNumber text instead: as a JS number, lib-dynamodb would refuse one past 2^53 and write
 * 1e21 or 1e-7 in exponent form.
 */
const exactNumber = (v: number) => NumberValue.from(dynamoNumber(v));

/** Adds the optional attributes that are present (an absent field is left out, never stored empty). */
function withOptional(item: Item, fields: Record<string, string | number | undefined>): Item {
  for (const [name, value] of Object.entries(fields)) if (value !== undefined && value !== "") item[name] = value;
  return item;
}

/**
 * The properties as a Map: lib-dynamodb marshalls a Map from its entries, whereas an object is
 * classified by its `.constructor`, which a property named `constructor` replaces (the marshaller
 * then throws). A Map takes every key name the validator lets through, `toString` and
 * `hasOwnProperty` included.
 */
function propertiesOf(e: EventRecord): Map<string, NativeAttributeValue> {
  return new Map(e.properties.map(([k, v]) => [k, typeof v === "number" ? exactNumber(v) : v]));
}

export function eventItem(e: EventRecord): Item {
  const properties = propertiesOf(e);
  const item: Item = {
    session_id: e.session_id,
    event_key: keyOf(e),
    event_id: e.event_id,
    event_type: e.event_type,
    user_id: e.user_id,
    timestamp: e.timestamp,
    received_at: e.received_at,
    expires_at: e.expires_at,
    properties,
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
export function activeSessionPut(table: string, group: SessionGroup): PutCommandInput {
  const latest = group.events[group.events.length - 1];
  const item = withOptional(
    { session_id: group.sessionId, user_id: latest.user_id, last_activity: latest.timestamp, expires_at: activeExpiry(group) },
    { current_page: latest.page_url },
  );
  return {
    TableName: table,
    Item: item,
    ConditionExpression: ACTIVE_CONDITION,
    ExpressionAttributeValues: { ":last": latest.timestamp },
  };
}

/**
 * The ActiveSessions row when the latest event has no page (a heartbeat): an update, because a put
 * would replace the row and erase `current_page`. The page of the group's latest page event, if
 * any, still moves the row on.
 */
export function activeSessionUpdate(table: string, group: SessionGroup): UpdateCommandInput {
  const latest = group.events[group.events.length - 1];
  const page = [...group.events].reverse().find((e) => e.page_url)?.page_url;
  const values: Item = { ":user": latest.user_id, ":last": latest.timestamp, ":exp": activeExpiry(group) };
  const sets = ["user_id = :user", "last_activity = :last", "expires_at = :exp"];
  if (page) {
    values[":page"] = page;
    sets.push("current_page = :page");
  }
  return {
    TableName: table,
    Key: { session_id: group.sessionId },
    UpdateExpression: `SET ${sets.join(", ")}`,
    ConditionExpression: ACTIVE_CONDITION,
    ExpressionAttributeValues: values,
  };
}
