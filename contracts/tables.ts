/**
 * Table schemas as plain data: the one source of truth for the Pulumi AnalyticsTables component,
 * the local runner (which creates the same tables on dynalite) and the functions' key names.
 * No SDK or Pulumi imports here, so every consumer can load it cheaply.
 */
import { tableName as physicalTableName, type TableLogicalName } from "./names";

export type AttributeType = "S" | "N";

export interface KeyAttribute {
  readonly name: string;
  readonly type: AttributeType;
}

export interface IndexSchema {
  readonly name: string;
  readonly hashKey: KeyAttribute;
  readonly rangeKey?: KeyAttribute;
  /** KEYS_ONLY keeps counter updates on the base item from writing the index. */
  readonly projection: "KEYS_ONLY" | "ALL";
}

export interface TableSchema {
  /** Logical name: the table is called `LiveInsight-<stack>-<logicalName>`. */
  readonly logicalName: TableLogicalName;
  readonly hashKey: KeyAttribute;
  readonly rangeKey?: KeyAttribute;
  readonly globalIndexes: readonly IndexSchema[];
  /** Attribute holding the expiry time in epoch seconds. */
  readonly ttlAttribute: string;
}

/** A session is active (GET /realtime) this long after its last activity, at minute granularity (contracts/realtime.ts). */
export const ACTIVE_WINDOW_MS = 30 * 60 * 1000;

/** A session whose last activity is older than this (relative to a new event) rolls over. */
export const SESSION_IDLE_TIMEOUT_MS = 30 * 60 * 1000;

/**
 * Events and Sessions are keyed by the session **within its site**: `<site_id>#<session_id>`
 * (functions/core/ids.ts `sessionKey`), so the same session id sent for two sites is two sessions
 * and a session only ever continues within its own site. Neither a site id ([a-z0-9-]) nor a
 * session id ([A-Za-z0-9_.:-]) can contain the separator, so a key splits at its first one.
 */
export const SESSION_KEY_SEPARATOR = "#";

export const EVENTS_TABLE: TableSchema = {
  logicalName: "Events",
  hashKey: { name: "session_id", type: "S" },
  // `<timestamp ms, 13 digits>#<event_id>`: a session's events sort by time, and a retried
  // write of the same event lands on the same item.
  rangeKey: { name: "event_key", type: "S" },
  // No index: every index adds a write unit per event; events are reached through sessions.
  globalIndexes: [],
  ttlAttribute: "expires_at",
};

export const SESSIONS_TABLE: TableSchema = {
  logicalName: "Sessions",
  hashKey: { name: "session_id", type: "S" },
  globalIndexes: [
    {
      name: "UserIndex",
      hashKey: { name: "user_id", type: "S" },
      rangeKey: { name: "start_time", type: "N" },
      projection: "KEYS_ONLY",
    },
  ],
  ttlAttribute: "expires_at",
};

/**
 * The realtime counters (contracts/realtime.ts; docs/architecture.md). The table keeps its old
 * name and slot, but no longer holds one row per live session: it holds per-site bucket items
 * (`<site>#<slot>` plus `#<shard>` when sharded), each with per-minute counters of sessions,
 * users and current pages, and one small record per live user (`<site>#user#<user_id>`).
 */
export const ACTIVE_SESSIONS_TABLE: TableSchema = {
  logicalName: "ActiveSessions",
  hashKey: { name: "counter_key", type: "S" },
  globalIndexes: [],
  ttlAttribute: "expires_at",
};

export const TABLE_SCHEMAS: readonly TableSchema[] = [EVENTS_TABLE, SESSIONS_TABLE, ACTIVE_SESSIONS_TABLE];

export interface TableNames {
  readonly events: string;
  readonly sessions: string;
  readonly activeSessions: string;
}

/** `LiveInsight-<stack>-<logicalName>`, the physical name of a table in a stack. */
export function tableName(stack: string, schema: TableSchema): string {
  return physicalTableName(stack, schema.logicalName);
}

export function tableNamesFor(stack: string): TableNames {
  return {
    events: tableName(stack, EVENTS_TABLE),
    sessions: tableName(stack, SESSIONS_TABLE),
    activeSessions: tableName(stack, ACTIVE_SESSIONS_TABLE),
  };
}

/** Every attribute that appears in a key of the table or of one of its indexes, deduplicated. */
export function keyAttributes(schema: TableSchema): KeyAttribute[] {
  const all = [schema.hashKey, schema.rangeKey, ...schema.globalIndexes.flatMap((i) => [i.hashKey, i.rangeKey])];
  const byName = new Map<string, KeyAttribute>();
  for (const attr of all) if (attr) byName.set(attr.name, attr);
  return [...byName.values()];
}

/** Environment variable names through which the functions receive the table names. */
export const TABLE_ENV = {
  events: "EVENTS_TABLE",
  sessions: "SESSIONS_TABLE",
  activeSessions: "ACTIVE_SESSIONS_TABLE",
} as const;

/** The table part of a function's environment. */
export function tableEnv(tables: TableNames): Record<(typeof TABLE_ENV)[keyof TableNames], string> {
  return { [TABLE_ENV.events]: tables.events, [TABLE_ENV.sessions]: tables.sessions, [TABLE_ENV.activeSessions]: tables.activeSessions };
}
