/**
 * What `npm start` runs with: command-line flags (lib/cli.ts) and the environment of
 * docs/local-mode.md (PORT, HOST, DYNAMODB_PORT, LIVEINSIGHT_DATA_DIR, DYNAMODB_ENDPOINT), each checked with a
 * one-sentence error that names the variable.
 */
import path from "node:path";
import { parseCommandLine, UsageError } from "../lib/cli";
import { LOCAL_STREAM_READING } from "./stream-reading";

/** Local mode is the stack named `local` (docs/local-mode.md): tables LiveInsight-local-Events etc. */
export const LOCAL_STACK = "local";

/** Local mode serves pages from any origin (a file, a dev server on any port), like the dev stack's `*`. */
export const LOCAL_CORS_ORIGINS: readonly string[] = ["*"];

export type LogMode = "human" | "json" | "quiet";

export interface LocalSettings {
  port: number;
  host: string;
  dynamoPort: number;
  dataDir: string;
  /** An existing DynamoDB-compatible server; when set, no dynalite and no data directory. */
  endpoint?: string;
  logMode: LogMode;
}

export const START_USAGE = `Usage: npm start [-- --quiet | --json-logs]

Runs the collector on this machine: POST /events and GET /realtime on the same function code as
the deployed stack, on dynalite (a DynamoDB-compatible server) in its own process.

Options
  --quiet         no request log lines
  --json-logs     the functions' JSON request lines (what CloudWatch Logs gets) instead of one
                  short line per request
  -h, --help      this text

Environment
  PORT                  API port (default 3000; 0 picks a free one)
  HOST                  interface to listen on (default 127.0.0.1)
  DYNAMODB_PORT         dynalite port (default 8000; 0 picks a free one)
  LIVEINSIGHT_DATA_DIR  data directory (default .liveinsight)
  DYNAMODB_ENDPOINT     use this DynamoDB-compatible server instead of starting dynalite
  HOT_RETENTION_DAYS, AWS_MAX_ATTEMPTS, AWS_RETRY_MODE  override the stack defaults
  LIVEINSIGHT_SITES     more sites besides "local" (every host, the default), as the JSON of
                        liveinsight:sites, e.g. '[{"id":"shop","hosts":["localhost:8080"]}]'
  LIVEINSIGHT_ARCHIVE_WINDOW_S  archive batching window in seconds (default ${LOCAL_STREAM_READING.maximumBatchingWindowInSeconds}, as on AWS)

Archive
  Every stored event is archived to Parquet under <data dir>/archive/ within one batching window
  (the local stand-in for the Events stream); closed days are compacted at start and daily.
  npm run local:query -- "<SQL>"   query it with DuckDB (a view \`events\`, duplicates removed)
  npm run local:compact            compact closed days now (--day YYYY-MM-DD for one day)

Ctrl-C or SIGTERM stops cleanly (in-flight requests are answered first); a second one exits at once.
Related: npm run local:scan -- Events, npm run local:query -- "<SQL>", npm run local:reset.
`;

function portFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || value > 65535) throw new UsageError(`${name} must be a port number from 0 to 65535; got "${raw}".`);
  return value;
}

export function endpointFrom(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env.DYNAMODB_ENDPOINT;
  if (raw === undefined || raw.trim() === "") return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`DYNAMODB_ENDPOINT must be an http(s) URL such as http://127.0.0.1:8000; got "${raw}".`);
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.hostname === "") {
    throw new UsageError(`DYNAMODB_ENDPOINT must be an http(s) URL such as http://127.0.0.1:8000; got "${raw}".`);
  }
  return raw.replace(/\/+$/, "");
}

export function dataDirFrom(env: NodeJS.ProcessEnv, cwd = process.cwd()): string {
  return path.resolve(cwd, env.LIVEINSIGHT_DATA_DIR || ".liveinsight");
}

/** The settings, or "help" when --help was asked for; a UsageError for any bad flag or variable. */
export function readSettings(argv: readonly string[], env: NodeJS.ProcessEnv): LocalSettings | "help" {
  const parsed = parseCommandLine(argv, { quiet: { type: "boolean" }, "json-logs": { type: "boolean" } });
  if (parsed.help) return "help";
  const { quiet, "json-logs": jsonLogs } = parsed.values;
  if (quiet && jsonLogs) throw new UsageError("--quiet and --json-logs contradict each other; pass one.");
  return {
    port: portFrom(env, "PORT", 3000),
    host: env.HOST?.trim() || "127.0.0.1",
    dynamoPort: portFrom(env, "DYNAMODB_PORT", 8000),
    dataDir: dataDirFrom(env),
    endpoint: endpointFrom(env),
    logMode: quiet ? "quiet" : jsonLogs ? "json" : "human",
  };
}
