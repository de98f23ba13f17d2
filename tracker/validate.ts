/**
 * What the server would refuse and the tracker can check itself (docs/api.md), so one bad call is
 * dropped alone instead of failing the whole batch it would have joined.
 */
export interface TrackedEvent {
  event_type: string;
  event_id: string;
  timestamp: number;
  page_url?: string;
  user_id?: string;
  session_id?: string;
  referrer?: string;
  site_id?: string;
  properties?: Record<string, string | number | boolean>;
}

// DynamoDB stores 0 or magnitudes in [1e-130, 1e126).
const storable = (n: number) => n == 0 || (Math.abs(n) >= 1e-130 && Math.abs(n) < 1e126);

function propertyProblem(key: string, value: unknown): string | undefined {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (!/^[^\0-\x1f\x7f]{1,64}$/.test(key) || key == "__proto__") return `bad key ${key}`;
  const type = typeof value;
  if (type != "string" && type != "boolean" && !(type == "number" && storable(value as number))) return `bad value ${key}`;
  // A lone surrogate has no UTF-8 form, so the server refuses it (functions/core/validate.ts), and
  // encodeURIComponent throws on exactly that in every browser; the "0" keeps the key's last and
  // the value's first code unit from pairing up across the join.
  try {
    encodeURIComponent(key + 0 + value);
  } catch {
    return `bad value ${key} (lone surrogate)`;
  }
  return undefined;
}

/** The event, or a sentence saying why the server would refuse it. */
export function validEvent(event: TrackedEvent, properties: unknown): TrackedEvent | string {
  if (typeof event.event_type != "string" || !/^[a-z][a-z0-9_]{0,63}$/.test(event.event_type)) return `bad type ${event.event_type}`;
  if (properties == null) return event;
  if (typeof properties != "object" || Array.isArray(properties)) return "bad properties";
  const keys = Object.keys(properties);
  if (keys.length > 20) return "over 20 properties";
  // A copy of the values checked (each read once), so the caller can change its object afterwards.
  const copy: Record<string, string | number | boolean> = {};
  for (const key of keys) {
    const value = (properties as Record<string, never>)[key];
    const problem = propertyProblem(key, value);
    if (problem) return problem;
    copy[key] = value;
  }
  if (new Blob([JSON.stringify(copy)]).size > 2048) return "properties over 2 KB";
  event.properties = copy;
  return event;
}
