/**
 * `npx tsx tests/bench/many-sessions-load.ts`: many-session batches against local mode (issue 17 §2).
 * N concurrent clients each post 100-event batches in a loop, every event its own session (a
 * server-side sender batching many visitors), for a fixed time, against a fresh local-mode instance
 * (its own port and data directory) or --url; prints the status counts and latency percentiles.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { numberOption, parseCommandLine, runCli, urlOption } from "../../lib/cli";
import { type LocalProcess, startLocalMode } from "../support/local-process";

const HELP = `Usage: npx tsx tests/bench/many-sessions-load.ts [--clients N] [--events N] [--seconds S] [--url URL]

Posts batches in which every event is its own session, from N concurrent clients, for S seconds,
and prints how many requests got each status, with p50/p99 latency.
  --clients N   concurrent clients, each with one request in flight (default 12)
  --events N    events (= sessions) per batch, 1-100 (default 100)
  --seconds S   how long to send (default 10)
  --url URL     POST /events URL of a running collector; default: start local mode on a free port
                with a fresh data directory, and stop it afterwards
`;

export interface LoadResult {
  statuses: Record<string, number>;
  latenciesMs: number[];
  seconds: number;
}

/** The p-th percentile (nearest rank) of `values`. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** One batch of `events` events, each its own visitor and session. */
export function manySessionBatch(tag: string, events: number, nowMs: number) {
  return {
    events: Array.from({ length: events }, (_, i) => ({
      event_type: "page_view",
      event_id: `${tag}-e${i}`,
      session_id: `${tag}-s${i}`,
      user_id: `${tag}-u${i}`,
      timestamp: nowMs - i,
      page_url: `https://shop.example/p${i % 10}`,
    })),
  };
}

async function run(url: string, clients: number, events: number, seconds: number): Promise<LoadResult> {
  const statuses: Record<string, number> = {};
  const latenciesMs: number[] = [];
  const run = Date.now().toString(36);
  const started = performance.now();
  const end = started + seconds * 1000;
  const progress = setInterval(() => {
    const elapsed = Math.round((performance.now() - started) / 1000);
    process.stderr.write(`many-sessions: ${elapsed}s ${JSON.stringify(statuses)}\n`);
  }, 1000);
  const client = async (c: number) => {
    for (let r = 0; performance.now() < end; r++) {
      const body = JSON.stringify(manySessionBatch(`ms${run}c${c}r${r}`, events, Date.now()));
      const sent = performance.now();
      let status: string;
      try {
        const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
        await response.arrayBuffer();
        status = String(response.status);
      } catch (error) {
        status = `error:${(error as Error).name}`;
      }
      latenciesMs.push(performance.now() - sent);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  };
  try {
    await Promise.all(Array.from({ length: clients }, (_, c) => client(c)));
  } finally {
    clearInterval(progress);
  }
  return { statuses, latenciesMs, seconds: (performance.now() - started) / 1000 };
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(argv, {
    clients: { type: "string" },
    events: { type: "string" },
    seconds: { type: "string" },
    url: { type: "string" },
  });
  if (parsed.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const clients = numberOption(parsed.values, "clients", { min: 1, max: 1000, integer: true }, 12);
  const events = numberOption(parsed.values, "events", { min: 1, max: 100, integer: true }, 100);
  const seconds = numberOption(parsed.values, "seconds", { min: 1, max: 3600 }, 10);
  let url = urlOption(parsed.values, "url", "http://127.0.0.1:3000/events");
  let local: LocalProcess | undefined;
  let dataDir: string | undefined;
  if (!url) {
    dataDir = mkdtempSync(path.join(os.tmpdir(), "liveinsight-many-sessions-"));
    process.stderr.write(`many-sessions: starting local mode (data in ${dataDir})\n`);
    local = await startLocalMode(dataDir);
    url = local.eventsUrl;
  }
  try {
    process.stderr.write(`many-sessions: ${clients} clients × ${events}-session batches for ${seconds} s → ${url}\n`);
    const result = await run(url, clients, events, seconds);
    const requests = result.latenciesMs.length;
    const ok = result.statuses["200"] ?? 0;
    const summary = {
      clients,
      events_per_request: events,
      seconds: Math.round(result.seconds * 10) / 10,
      requests,
      statuses: result.statuses,
      share_503: requests ? Math.round(((result.statuses["503"] ?? 0) / requests) * 1000) / 1000 : 0,
      p50_ms: Math.round(percentile(result.latenciesMs, 50)),
      p99_ms: Math.round(percentile(result.latenciesMs, 99)),
      stored_events_per_s: Math.round((ok * events) / result.seconds),
    };
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return 0;
  } finally {
    await local?.stop("SIGTERM");
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) void runCli("many-sessions-load", main);
