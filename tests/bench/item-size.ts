/**
 * DynamoDB's item-size rules, for the storage lines of the cost model (docs/prices.md). Written
 * out because no library computes billed item sizes; each rule is from the DynamoDB Developer
 * Guide, "Item sizes and formats":
 * - an attribute costs the UTF-8 length of its name plus its value;
 * - String: UTF-8 bytes; Binary: raw bytes;
 * - Number: 1 byte per two significant digits (leading and trailing zeros trimmed) + 1 byte;
 * - Boolean and Null: 1 byte;
 * - List and Map: 3 bytes + the size of each element + 1 byte per element (a map element is its
 *   key name plus its value);
 * - string, number and binary sets: the sum of their elements.
 * Storage bills every item at its size + 100 bytes of overhead, and every global-secondary-index
 * entry again: base-table key + index key + projected attributes + 100 bytes ("Pricing for
 * on-demand capacity", data storage; "Global secondary indexes", storage considerations).
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";

export const STORAGE_OVERHEAD_BYTES = 100;

const utf8 = (text: string) => Buffer.byteLength(text, "utf8");

export function numberSize(text: string): number {
  const digits = text
    .replace(/^[-+]/, "")
    .replace(/[eE].*$/, "")
    .replace(".", "")
    .replace(/^0+/, "")
    .replace(/0+$/, "");
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
}

export function valueSize(v: AttributeValue): number {
  if (v.S !== undefined) return utf8(v.S);
  if (v.N !== undefined) return numberSize(v.N);
  if (v.B !== undefined) return v.B.length;
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
  if (v.SS !== undefined) return v.SS.reduce((n, s) => n + utf8(s), 0);
  if (v.NS !== undefined) return v.NS.reduce((n, s) => n + numberSize(s), 0);
  if (v.BS !== undefined) return v.BS.reduce((n, b) => n + b.length, 0);
  if (v.L !== undefined) return 3 + v.L.reduce((n, e) => n + valueSize(e) + 1, 0);
  if (v.M !== undefined) return 3 + Object.entries(v.M).reduce((n, [k, e]) => n + utf8(k) + valueSize(e) + 1, 0);
  throw new Error(`Unknown attribute value ${JSON.stringify(v)}`);
}

/** The item's size as DynamoDB counts it (what a WRU and the 400 KB limit measure). */
export function itemSize(item: Record<string, AttributeValue>): number {
  return Object.entries(item).reduce((n, [name, v]) => n + utf8(name) + valueSize(v), 0);
}

/** Bytes billed for storing the item: its size + 100. */
export function storedItemBytes(item: Record<string, AttributeValue>): number {
  return itemSize(item) + STORAGE_OVERHEAD_BYTES;
}

/** Bytes billed for the item's entry in a KEYS_ONLY index (none when the item lacks an index key). */
export function keysOnlyIndexEntryBytes(
  item: Record<string, AttributeValue>,
  tableKeys: string[],
  indexKeys: string[],
): number | undefined {
  if (indexKeys.some((k) => item[k] === undefined)) return undefined;
  const names = [...new Set([...tableKeys, ...indexKeys])];
  return itemSize(Object.fromEntries(names.map((k) => [k, item[k]!]))) + STORAGE_OVERHEAD_BYTES;
}
