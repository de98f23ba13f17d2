import { unstorableNumberProblem } from "./numbers";

/**
 * Request parsing and validation (docs/api.md). Pure: no I/O, no clock except the one passed in.
 * Validation is all-or-nothing: every problem of every event is collected, and one problem
 * means the whole request is refused and nothing is written.
 */

export const LIMITS = {
  bodyBytes: 256 * 1024,
  eventBytes: 8 * 1024,
  batchMax: 100,
  idMax: 128,
  urlMax: 2048,
  userAgentMax: 512,
  propertiesMaxKeys: 20,
  propertiesMaxBytes: 2 * 1024,
  propertyKeyMax: 64,
  pastWindowMs: 7 * 24 * 60 * 60 * 1000,
  futureWindowMs: 5 * 60 * 1000,
  /** The largest `timestamp` (docs/api.md): 13 digits, so every event_key has the same width and sorts by time. */
  timestampMax: 9_999_999_999_999,
} as const;

export interface Problem {
  index?: number;
  field: string;
  problem: string;
}

export type Scalar = string | number | boolean;

/** An event that passed validation: known fields typed, unknown scalars folded into properties. */
export interface ValidEvent {
  index: number;
  event_type: string;
  page_url?: string;
  user_id?: string;
  session_id?: string;
  event_id?: string;
  timestamp?: number;
  referrer?: string;
  user_agent?: string;
  /** Entries, not an object: keys such as `__proto__` stay plain data. */
  properties: [string, Scalar][];
}

const EVENT_TYPE = /^[a-z][a-z0-9_]{0,63}$/;
const ID = /^[A-Za-z0-9_.:-]{1,128}$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;
const KNOWN = new Set(["event_type", "page_url", "user_id", "session_id", "event_id", "timestamp", "referrer", "user_agent", "properties"]);

type FieldCheck = (value: unknown) => string | undefined;

// A lone surrogate is valid in a JS string but has no UTF-8 encoding, which DynamoDB strings need.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UNICODE_PROBLEM = "must be well-formed Unicode (no lone surrogate)";

const isString = (v: unknown): v is string => typeof v === "string";
const isScalar = (v: unknown): v is Scalar =>
  typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v));
export const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function idCheck(value: unknown): string | undefined {
  if (!isString(value)) return "must be a string";
  if (!ID.test(value)) return `must be 1-${LIMITS.idMax} characters of A-Z, a-z, 0-9, '_', '.', ':' or '-'`;
  return undefined;
}

function stringCheck(max: number): FieldCheck {
  return (value) => {
    if (!isString(value)) return "must be a string";
    if (value.length > max) return `is ${value.length} characters long; at most ${max} allowed`;
    if (LONE_SURROGATE.test(value)) return UNICODE_PROBLEM;
    return undefined;
  };
}

function urlCheck(value: unknown): string | undefined {
  const asString = stringCheck(LIMITS.urlMax)(value);
  if (asString) return asString;
  let url: URL;
  try {
    url = new URL(value as string);
  } catch {
    return "must be an absolute http(s) URL";
  }
  return url.protocol === "http:" || url.protocol === "https:" ? undefined : "must be an absolute http(s) URL";
}

const FIELD_CHECKS: Record<string, FieldCheck> = {
  event_type: (v) => (isString(v) && EVENT_TYPE.test(v) ? undefined : "must match ^[a-z][a-z0-9_]{0,63}$ (for example page_view)"),
  page_url: urlCheck,
  user_id: idCheck,
  session_id: idCheck,
  event_id: idCheck,
  timestamp: (v) =>
    typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= LIMITS.timestampMax
      ? undefined
      : `must be an integer epoch time in milliseconds in [0, ${LIMITS.timestampMax}]`,
  referrer: stringCheck(LIMITS.urlMax),
  user_agent: stringCheck(LIMITS.userAgentMax),
};

function propertyKeyProblem(key: string): string | undefined {
  if (key.length === 0 || key.length > LIMITS.propertyKeyMax) return `key must be 1-${LIMITS.propertyKeyMax} characters`;
  if (CONTROL.test(key)) return "key must not contain control characters";
  if (key === "__proto__") return "key __proto__ is reserved";
  if (LONE_SURROGATE.test(key)) return `key ${UNICODE_PROBLEM}`;
  return undefined;
}

/** Explicit `properties` first, then unknown top-level scalars folded in (a tracker loses nothing). */
function collectProperties(raw: Record<string, unknown>, problems: Problem[], index: number): [string, Scalar][] {
  const entries: [string, Scalar][] = [];
  const seen = new Map<string, Scalar>();
  const problemOf = (key: string, value: unknown): string | undefined => {
    const keyProblem = propertyKeyProblem(key);
    if (keyProblem) return keyProblem;
    if (!isScalar(value)) return "must be a string, number or boolean";
    if (typeof value === "number") {
      const numberProblem = unstorableNumberProblem(value);
      if (numberProblem) return numberProblem;
    }
    if (typeof value === "string" && LONE_SURROGATE.test(value)) return UNICODE_PROBLEM;
    if (seen.has(key) && seen.get(key) !== value) return `conflicts with properties.${key}`;
    return undefined;
  };
  const add = (field: string, key: string, value: unknown) => {
    const problem = problemOf(key, value);
    if (problem) problems.push({ index, field, problem });
    else if (!seen.has(key)) {
      seen.set(key, value as Scalar);
      entries.push([key, value as Scalar]);
    }
  };
  const props = raw.properties;
  if (props !== undefined && props !== null) {
    if (!isPlainObject(props)) problems.push({ index, field: "properties", problem: "must be a flat JSON object" });
    else for (const [k, v] of Object.entries(props)) add(`properties.${k}`, k, v);
  }
  for (const [k, v] of Object.entries(raw)) if (!KNOWN.has(k)) add(k, k, v);
  return entries;
}

function propertiesLimitProblem(entries: [string, Scalar][]): string | undefined {
  if (entries.length > LIMITS.propertiesMaxKeys)
    return `has ${entries.length} keys (including folded top-level fields); at most ${LIMITS.propertiesMaxKeys} allowed`;
  const bytes = Buffer.byteLength(JSON.stringify(Object.fromEntries(entries.filter(([k]) => k !== "__proto__"))));
  if (bytes > LIMITS.propertiesMaxBytes) return `is ${bytes} bytes serialized; at most ${LIMITS.propertiesMaxBytes} allowed`;
  return undefined;
}

/** Nesting depth up to `limit + 1`, without recursion (a hostile body can nest 100k levels deep). */
export function depthExceeds(value: unknown, limit: number): boolean {
  let level: unknown[] = [value];
  for (let depth = 0; level.length; depth++) {
    if (depth > limit) return true;
    level = level.flatMap((v) => (typeof v === "object" && v !== null ? Object.values(v) : []));
  }
  return false;
}

/** event → properties → value → (one more level, so a nested value gets its precise message). */
const MAX_EVENT_DEPTH = 3;

/** Validates one raw event; problems are appended, the event is returned only when it has none. */
export function validateEvent(raw: unknown, index: number, problems: Problem[]): ValidEvent | undefined {
  if (!isPlainObject(raw)) {
    problems.push({ index, field: "(event)", problem: "must be a JSON object" });
    return undefined;
  }
  const before = problems.length;
  if (depthExceeds(raw, MAX_EVENT_DEPTH)) {
    problems.push({ index, field: "(event)", problem: "is nested too deeply; an event is flat apart from a flat properties object" });
    return undefined;
  }
  const size = Buffer.byteLength(JSON.stringify(raw));
  if (size > LIMITS.eventBytes) {
    problems.push({ index, field: "(event)", problem: `is ${size} bytes serialized; at most ${LIMITS.eventBytes} allowed` });
    return undefined;
  }
  if (raw.event_type === undefined || raw.event_type === null) problems.push({ index, field: "event_type", problem: "is required" });
  for (const [field, check] of Object.entries(FIELD_CHECKS)) {
    const value = raw[field];
    if (value === undefined || value === null) continue; // null = absent: trackers send null for unset fields
    const problem = check(value);
    if (problem) problems.push({ index, field, problem });
  }
  const properties = collectProperties(raw, problems, index);
  const limit = propertiesLimitProblem(properties);
  if (limit) problems.push({ index, field: "properties", problem: limit });
  if (problems.length > before) return undefined;
  const pick = <T>(field: string) => (raw[field] ?? undefined) as T | undefined;
  return {
    index,
    event_type: raw.event_type as string,
    page_url: pick<string>("page_url"),
    user_id: pick<string>("user_id"),
    session_id: pick<string>("session_id"),
    event_id: pick<string>("event_id"),
    timestamp: pick<number>("timestamp"),
    referrer: pick<string>("referrer"),
    user_agent: pick<string>("user_agent"),
    properties,
  };
}
