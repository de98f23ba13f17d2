import { type NativeAttributeValue, NumberValue, type PutCommandInput } from "@aws-sdk/lib-dynamodb";
import { ACTIVE_WINDOW_MS } from "../../contracts/tables";
import { sessionIdOfKey, siteOfKey } from "./ids";
import { dynamoNumber } from "./numbers";
import { type EventRecord, keyOf } from "./plan";
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
    site_id: e.site_id,
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

/** Epoch seconds at which a session whose last activity is `lastActivityMs` stops being active: + 30 minutes. */
export function activeExpiry(lastActivityMs: number): number {
  return Math.floor((lastActivityMs + ACTIVE_WINDOW_MS) / 1000);
}

/**
 * Never move the row backwards. A snapshot is ordered by the Sessions row's `last_activity`, then
 * its `exit_key` (both only grow), so of two requests racing, the later state of the session wins,
 * and a late page event that moved the exit page without moving last activity still lands.
 */
const ACTIVE_CONDITION =
  "attribute_not_exists(session_id) OR last_activity < :last OR (last_activity = :last AND (attribute_not_exists(exit_key) OR exit_key <= :xk))";

/**
 * The ActiveSessions row as a snapshot of the Sessions row just written (`row`: the update's
 * ALL_NEW image): `current_page` is the session's `exit_page`, so /realtime agrees with the
 * Sessions row whatever order page views and heartbeats arrive in. One whole-item put, conditional.
 */
export function activeSessionPut(table: string, sessionId: string, row: Item): PutCommandInput {
  const last = Number(row.last_activity);
  const item = withOptional(
    // Keyed by site and the bare session id (contracts/tables.ts): `sessionId` is the Sessions key.
    {
      site_id: siteOfKey(sessionId),
      session_id: sessionIdOfKey(sessionId),
      user_id: row.user_id,
      last_activity: last,
      expires_at: activeExpiry(last),
    },
    { current_page: row.exit_page, exit_key: row.exit_key },
  );
  return {
    TableName: table,
    Item: item,
    ConditionExpression: ACTIVE_CONDITION,
    ExpressionAttributeValues: { ":last": last, ":xk": row.exit_key ?? "" },
  };
}
