/**
 * The two Lambda handlers as factories of their dependencies. functions/collector.ts and
 * functions/realtime.ts call them once per container with the real client and stdout; tests call
 * them with a fault-injected client and a capturing sink, so they exercise the very composition
 * Lambda runs (request adapter → core → one request log line).
 */

import { realtimeShards } from "../../contracts/realtime";
import { realtimeSite, siteTable } from "../core/admission";
import { handleCollect, type Outcome } from "../core/collect";
import { clientErrorResult, jsonResult, methodNotAllowed } from "../core/errors";
import { randomHex8 } from "../core/ids";
import { realtimeReaderFor } from "../core/realtime";
import type { DynamoSender } from "../core/store";
import type { FunctionEnv } from "./env";
import { createHandler, remainingTimeOf, sleep } from "./lambda";
import type { LogSink } from "./logger";

const clock = { now: () => Date.now() };

export function collectorHandler(env: FunctionEnv, db: DynamoSender, log: LogSink) {
  const sites = siteTable(env.sites, env.defaultSite);
  const runtime = { service: "collector" as const, environment: env.environment, log, trustedProxyHops: env.trustedProxyHops };
  return createHandler(runtime, (request, context) =>
    handleCollect(
      request,
      {
        db,
        tables: env.tables,
        sites,
        retentionDays: env.hotRetentionDays,
        realtimeShards: realtimeShards(env.realtimePeakWriteUnits),
        remainingTimeMs: remainingTimeOf(context),
        hex: randomHex8,
        random: Math.random,
        sleep,
      },
      clock,
    ),
  );
}

const none = { events: 0, rejected: 0, sessions: 0, sessionsCreated: 0 };

/** GET /realtime. Its request line (events: 0) feeds the same Requests / 5xx filters as the collector's. */
export function realtimeHandler(env: FunctionEnv, db: DynamoSender, log: LogSink) {
  // The snapshot cache lives in the reader, so one per container (≤ 5 s, docs/api.md).
  const readSnapshot = realtimeReaderFor(env, db, clock);
  const sites = siteTable(env.sites, env.defaultSite);
  return createHandler({ service: "realtime", environment: env.environment, log }, async (request): Promise<Outcome> => {
    if (request.method !== "GET") {
      const error = methodNotAllowed(request, "GET", "GET");
      return { ...none, result: clientErrorResult(error), error };
    }
    const { site, error } = realtimeSite(request.query?.site, sites);
    if (!site) return { ...none, result: clientErrorResult(error!), error };
    try {
      const snapshot = await readSnapshot(site.id);
      return { ...none, sessions: snapshot.active_sessions, result: jsonResult(200, snapshot, { "cache-control": "max-age=5" }) };
    } catch (error) {
      return {
        ...none,
        result: jsonResult(503, {
          error: "StorageUnavailable",
          message: "The realtime view could not be read right now; retry shortly.",
          retryable: true,
        }),
        error,
      };
    }
  });
}
