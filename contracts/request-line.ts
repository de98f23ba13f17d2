/**
 * The request line of docs/operations.md: one JSON object per request, written by both functions
 * (functions/shared/logger.ts), parsed by the metric filters (components/metrics/filters.ts) and
 * recognised by local mode (local/request-log.ts). Every consumer names fields through this type,
 * so renaming a field breaks compilation rather than an alarm.
 */
import type { FunctionKind } from "./names";

/** Why a request's events were dropped (the dashboard breaks EventsDropped down by it with Logs Insights). */
export const DROP_REASONS = ["bot", "origin", "unknown_site"] as const;
export type DropReason = (typeof DROP_REASONS)[number];

export interface RequestLogLine {
  timestamp: string;
  level: "INFO" | "WARN" | "ERROR";
  message: string;
  /** Which function wrote the line: the `Function` dimension of its ServerErrors metric. */
  service: FunctionKind;
  environment: string;
  request_id: string;
  cold_start: boolean;
  events: number;
  rejected: number;
  sessions: number;
  sessions_created: number;
  /** Events refused for where they came from or who sent them (docs/sites.md); 0 for every other request. */
  dropped: number;
  /** Why, when `dropped` > 0: one of DROP_REASONS. */
  drop_reason?: DropReason;
  processing_time_ms: number;
  status: number;
  error_name?: string;
  error_message?: string;
}

export type RequestLineField = keyof RequestLogLine;

/** `message` of every request line; nothing else a function writes carries it. */
export const REQUEST_COMPLETED = "request completed";

/** A metric-filter selector (`$.field`) for a request-line field. */
export function selector(field: RequestLineField): string {
  return `$.${field}`;
}
