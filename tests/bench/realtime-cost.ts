/**
 * What live views cost: a viewer-day is one page polling the live count every REALTIME_REFRESH_MS
 * for 24 hours, each poll one HTTP API request, one Lambda invocation, the read units of one
 * answer (measured by ./realtime-reads) and its log lines. It scales with viewers, not events, so
 * the all-in table prices an assumed number of viewer-days a month as a line of its own. Every
 * poll is priced as a read: the function caches an answer for at most 5 s per instance, which a
 * 5 s poll mostly misses, and two viewers rarely share an instance. Pure; prices from ./prices.
 */
import { REALTIME_REFRESH_MS } from "../../contracts/stats";
import { type CostLine, fmt, sumUsd } from "./cost";
import { BYTES_PER_GB, DAYS_PER_MONTH, PRICES } from "./prices";

export interface RealtimeViewerInputs {
  /** Read request units of one answer (measured: ./realtime-reads). */
  readonly readUnitsPerAnswer: number;
  readonly architecture: "arm64" | "x86_64";
  readonly memoryMb: number;
  /** Billed ms of one answer (assumed, as the collector's). */
  readonly durationMs: number;
  /** Platform + request line + access-log bytes of one answer. */
  readonly logBytesPerAnswer: number;
  readonly logRetentionDays: number;
}

/** How many viewer-days a month the all-in table prices (assumed; stated where the bench prints its assumptions). */
export const REALTIME_ASSUMED = {
  /** One page open around the clock, every day of the month. */
  viewerDaysPerMonth: DAYS_PER_MONTH,
} as const;

export const ANSWERS_PER_VIEWER_DAY = 86_400_000 / REALTIME_REFRESH_MS;

/** One viewer-day, line by line. */
export function viewerDayLines(v: RealtimeViewerInputs): CostLine[] {
  const n = ANSWERS_PER_VIEWER_DAY;
  const gbSeconds = n * (v.durationMs / 1000) * (v.memoryMb / 1024);
  const gbSecondPrice = v.architecture === "arm64" ? PRICES.lambdaGbSecondArm.usd : PRICES.lambdaGbSecondX86.usd;
  const logGb = (n * v.logBytesPerAnswer) / BYTES_PER_GB;
  const logDays = v.logRetentionDays === 0 ? 365 : v.logRetentionDays;
  const perM = (price: number) => `$${fmt(price * 1e6)}/M`;
  return [
    { item: "API Gateway HTTP", arithmetic: `${fmt(n)} req × ${perM(PRICES.httpApiRequest.usd)}`, usd: n * PRICES.httpApiRequest.usd },
    { item: "Lambda requests", arithmetic: `${fmt(n)} inv × ${perM(PRICES.lambdaRequest.usd)}`, usd: n * PRICES.lambdaRequest.usd },
    {
      item: `Lambda duration (${v.architecture})`,
      arithmetic: `${fmt(n)} × ${v.durationMs} ms × ${v.memoryMb}/1024 GB = ${fmt(gbSeconds)} GB-s`,
      usd: gbSeconds * gbSecondPrice,
    },
    {
      item: "DynamoDB reads",
      arithmetic: `${fmt(n)} answers × ${fmt(v.readUnitsPerAnswer)} RRU × ${perM(PRICES.dynamoReadUnit.usd)}`,
      usd: n * v.readUnitsPerAnswer * PRICES.dynamoReadUnit.usd,
    },
    {
      item: "Logs",
      arithmetic: `${fmt(n)} × ${v.logBytesPerAnswer} B = ${fmt(logGb)} GB, ingested + ${logDays} d stored`,
      usd: logGb * PRICES.logsIngestionGb.usd + logGb * (logDays / DAYS_PER_MONTH) * PRICES.logsStorageGbMonth.usd,
    },
  ];
}

export const viewerDayUsd = (v: RealtimeViewerInputs): number => sumUsd(viewerDayLines(v));
