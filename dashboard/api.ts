/** The page's calls to the stats function: same origin, the key from sessionStorage, 401 handled once. */
import { STATS_PATHS } from "../contracts/stats";

export const KEY_STORAGE = "liveinsight-stats-key";
export const REJECTED_STORAGE = "liveinsight-stats-rejected";

export class ApiError extends Error {}

/** A 401 means the key was rotated or wrong: forget it and go back to the key form. */
function rejected(): never {
  sessionStorage.removeItem(KEY_STORAGE);
  sessionStorage.setItem(REJECTED_STORAGE, "1");
  location.reload();
  throw new ApiError("The stats key was not accepted.");
}

export async function getJson<T>(path: string, params: Record<string, string> = {}): Promise<T> {
  const query = new URLSearchParams(params).toString();
  const response = await fetch(`${path}${query ? `?${query}` : ""}`, {
    headers: { authorization: `Bearer ${sessionStorage.getItem(KEY_STORAGE) ?? ""}` },
    cache: "no-store",
  });
  if (response.status === 401) rejected();
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(body.message ?? `The stats API answered ${response.status}.`);
  return body as T;
}

export interface Metrics {
  pageviews: number;
  visitors: number;
  sessions: number;
  bounce_rate: number;
  mean_session_duration_ms: number;
}
export interface Aggregate extends Metrics {
  data_until: string | null;
}
export interface Series {
  buckets: (Metrics & { bucket: string })[];
}
export interface Breakdown {
  rows: { value: string | null; pageviews: number; visitors: number; events: number }[];
}
export interface Live {
  site: string;
  active_sessions: number;
  active_users: number;
}

export const stats = <T>(params: Record<string, string>) => getJson<T>(STATS_PATHS.stats, params);
export const live = (site: string) => getJson<Live>(STATS_PATHS.realtime, { site });
