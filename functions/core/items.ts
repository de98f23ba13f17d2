import { type NativeAttributeValue, NumberValue } from "@aws-sdk/lib-dynamodb";
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
