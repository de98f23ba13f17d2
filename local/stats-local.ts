/**
 * Local mode's stats function: the same handler as on AWS (functions/stats/handler.ts) with DuckDB
 * over .liveinsight/archive as the engine and a key kept in `<data dir>/stats-key` (created at the
 * first start with 32 random bytes, mode 0600; delete the file to rotate, it is read with the same
 * short cache as the secret on AWS).
 */

import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { dashboardPage } from "../components/dashboard-asset";
import { DEFAULTS } from "../config";
import { LOCAL_KEY_FILE, STATS_ENV } from "../contracts/stats";
import { siteTable } from "../functions/core/admission";
import { realtimeReaderFor, stackSiteReader } from "../functions/core/realtime";
import { createDocumentClient, createDynamoClient } from "../functions/shared/clients";
import { readEnv } from "../functions/shared/env";
import { stdoutSink } from "../functions/shared/logger";
import { cachedKey } from "../functions/stats/auth";
import { statsHandler } from "../functions/stats/handler";
import { readStatsEnv } from "../functions/stats/runtime";
import { archivePaths } from "./archive-paths";
import { LOCAL_STACK } from "./settings";
import { duckdbStatsEngine } from "./stats-engine";

/** Local mode has no secret or Athena: of readStatsEnv's checks only the retention's applies. */
const LOCAL_STATS_ENV = {
  [STATS_ENV.keySecret]: "local",
  [STATS_ENV.workgroup]: "local",
  [STATS_ENV.database]: "local",
  [STATS_ENV.table]: "events",
};

/** The key's file, created when missing; returns its path and the key. */
export function ensureLocalKey(dataDir: string): { file: string; key: string } {
  const file = path.join(dataDir, LOCAL_KEY_FILE);
  mkdirSync(dataDir, { recursive: true });
  if (!existsSync(file)) writeFileSync(file, `${randomBytes(32).toString("base64url")}\n`, { mode: 0o600, flag: "wx" });
  return { file, key: readFileSync(file, "utf8").trim() };
}

/** The stats handler for local mode; call after the functions' environment is in process.env. */
export function localStatsHandler(dataDir: string) {
  const env = readEnv(process.env, ["activeSessions"]);
  const sites = siteTable(env.sites, env.defaultSite);
  const { file } = ensureLocalKey(dataDir);
  // The archive's retention, as the stack's (config.ts); EVENT_RETENTION_DAYS overrides it locally.
  const retentionDays = readStatsEnv({
    ...LOCAL_STATS_ENV,
    [STATS_ENV.retentionDays]: process.env.EVENT_RETENTION_DAYS || String(DEFAULTS.eventRetentionDays),
  }).retentionDays;
  const engine = duckdbStatsEngine(archivePaths(dataDir).archive);
  const clock = { now: () => Date.now() };
  const db = createDocumentClient(createDynamoClient(env));
  const handler = statsHandler(
    LOCAL_STACK,
    {
      engine,
      key: cachedKey(() => readFile(file, "utf8"), clock),
      rules: () => ({ retentionDays, sites, now: Date.now() }),
      readRealtime: stackSiteReader(realtimeReaderFor(env, db, clock), env),
      page: dashboardPage(),
    },
    stdoutSink,
  );
  return { handler, close: () => engine.close() };
}
