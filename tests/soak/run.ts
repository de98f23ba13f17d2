/**
 * `npm run soak -- [--duration S] [--concurrency N] [--url <api>/events [--dynamodb-endpoint <url>]]`
 * Drives local mode (a fresh one on a temp data dir unless --url is given) with concurrent
 * senders, then proves stored == acknowledged by event_id. Exit 0 = proven, 1 = mismatch or
 * nothing acknowledged, 2 = usage error. Not part of `npm test`: it runs for as long as asked.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { numberOption, parseCommandLine, runCli, stringOption, UsageError, urlOption } from "../../lib/cli";
import { lockHolder } from "../../local/data-lock";
import { dataDirFrom } from "../../local/settings";
import { eventIdPrefix } from "../../scripts/lib/event-generator";
import { siteOption } from "../../scripts/loadtest/options";
import { driveLoad, newStats, type SendStats } from "../support/event-sender";
import { type LocalProcess, type Reconciliation, reconcile, startLocalMode, storedEventIdCounts } from "../support/local-process";

export const SOAK_USAGE = `Usage: npm run soak -- [--duration <s>] [--concurrency <n>] [--site <id>] [--url <api>/events [--dynamodb-endpoint <url>]]

Sends events from concurrent clients, then scans the Events table and proves that every
acknowledged event is stored exactly once.

  --duration <s>              seconds of load (default 60)
  --concurrency <n>           concurrent clients (default 50)
  --site <id>                 the site_id of every event (default local; on another server, a site
                              with allowServer: true, docs/sites.md)
  --url <url>                 collector endpoint, as for npm run loadtest, e.g.
                              http://127.0.0.1:3000/events; without it a fresh local mode is started
  --dynamodb-endpoint <url>   where that server stores its events (default: the endpoint of the
                              local mode running on LIVEINSIGHT_DATA_DIR, if any)

Exit codes: 0 = stored == acknowledged, 1 = a mismatch or nothing acknowledged, 2 = usage error.
`;

export interface SoakArgs {
  durationS: number;
  concurrency: number;
  site: string;
  url?: string;
  dynamodbEndpoint?: string;
}

export function parseSoakArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): SoakArgs | "help" {
  const parsed = parseCommandLine(argv, {
    duration: { type: "string" },
    concurrency: { type: "string" },
    site: { type: "string" },
    url: { type: "string" },
    "dynamodb-endpoint": { type: "string" },
  });
  if (parsed.help) return "help";
  const { values } = parsed;
  const url = urlOption(values, "url", "http://127.0.0.1:3000/events");
  let dynamodbEndpoint = urlOption(values, "dynamodb-endpoint", "http://127.0.0.1:8000");
  if (dynamodbEndpoint && !url)
    throw new UsageError("--dynamodb-endpoint only applies with --url; without --url the soak starts its own local mode.");
  if (url && !dynamodbEndpoint) {
    dynamodbEndpoint = lockHolder(dataDirFrom(env))?.endpoint;
    if (!dynamodbEndpoint)
      throw new UsageError(
        `--url needs --dynamodb-endpoint <url> (the store is scanned to prove the counts); no local mode is running on ${dataDirFrom(env)} to take it from.`,
      );
  }
  return {
    durationS: numberOption(values, "duration", { min: 1, max: 86_400 }, 60),
    concurrency: numberOption(values, "concurrency", { min: 1, max: 10_000, integer: true }, 50),
    site: siteOption(stringOption(values, "site")),
    url,
    dynamodbEndpoint,
  };
}

function progress(stats: SendStats, startedMs: number): void {
  const s = ((Date.now() - startedMs) / 1000).toFixed(0);
  process.stderr.write(
    `[soak] ${s}s requests=${stats.requests} acknowledged_events=${stats.acknowledged.size} outcomes=${JSON.stringify(stats.outcomes)}\n`,
  );
}

/** The verdict: every acknowledged event stored once, and at least one acknowledged at all. */
export function verdict(result: Reconciliation): "stored == acknowledged" | "MISMATCH" | "NOTHING ACKNOWLEDGED" {
  if (result.acknowledged === 0) return "NOTHING ACKNOWLEDGED";
  return result.missing.length === 0 && result.duplicated.length === 0 ? "stored == acknowledged" : "MISMATCH";
}

function report(stats: SendStats, result: Reconciliation, seconds: number, target: string): number {
  const outcome = verdict(result);
  process.stdout.write(
    `${JSON.stringify(
      {
        result: outcome,
        target,
        seconds: Number(seconds.toFixed(1)),
        requests: stats.requests,
        requests_per_s: Number((stats.requests / seconds).toFixed(1)),
        outcomes: stats.outcomes,
        acknowledged_events: result.acknowledged,
        stored_events: result.stored,
        missing: result.missing.length,
        duplicated: result.duplicated.length,
        unacknowledged_but_stored: result.unacknowledgedStored,
        examples: { missing: result.missing.slice(0, 5), duplicated: result.duplicated.slice(0, 5) },
      },
      null,
      2,
    )}\n`,
  );
  if (outcome === "NOTHING ACKNOWLEDGED")
    process.stderr.write(
      `soak: no request to ${target} was acknowledged (outcomes ${JSON.stringify(stats.outcomes)}); check the URL and that the server runs.\n`,
    );
  return outcome === "stored == acknowledged" ? 0 : 1;
}

async function soak(args: SoakArgs): Promise<number> {
  let local: LocalProcess | undefined;
  let dataDir: string | undefined;
  try {
    if (!args.url) {
      dataDir = mkdtempSync(path.join(os.tmpdir(), "liveinsight-soak-"));
      local = await startLocalMode(dataDir);
      process.stderr.write(`[soak] local mode on ${local.apiUrl}, data in ${dataDir}\n`);
    }
    const eventsUrl = args.url ?? local!.eventsUrl;
    // A per-run prefix keeps this run's events apart from anything already in the table.
    const prefix = `soak${Date.now().toString(36)}`;
    const stats = newStats();
    const started = Date.now();
    const ticker = setInterval(() => progress(stats, started), 1000);
    await driveLoad(
      {
        eventsUrl,
        concurrency: args.concurrency,
        siteId: args.site,
        prefix,
        shouldStop: () => Date.now() - started >= args.durationS * 1000,
      },
      stats,
    );
    clearInterval(ticker);
    const seconds = (Date.now() - started) / 1000;
    const stored = await storedEventIdCounts(args.dynamodbEndpoint ?? local!.dynamodbEndpoint);
    return report(stats, reconcile(stats.acknowledged, stored, eventIdPrefix(prefix)), seconds, eventsUrl);
  } finally {
    if (local) await local.stop("SIGTERM");
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(argv: string[]): Promise<number> {
  const args = parseSoakArgs(argv);
  if (args === "help") {
    process.stdout.write(SOAK_USAGE);
    return 0;
  }
  return soak(args);
}

if (require.main === module) void runCli("soak", main);
