/**
 * `npm run soak -- --duration S --concurrency N [--url <api> --dynamodb-endpoint <url>]`
 * Drives local mode (a fresh one on a temp data dir unless --url is given) with concurrent
 * senders, then proves stored == acknowledged by event_id. Exit 0 = proven, 1 = mismatch,
 * 2 = usage error. Not part of `npm test`: it runs for as long as asked.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { driveLoad, newStats, SendStats } from "./lib/event-sender";
import { LocalProcess, reconcile, Reconciliation, startLocalMode, storedEventIdCounts } from "./lib/local-process";

interface SoakArgs {
  durationS: number;
  concurrency: number;
  url?: string;
  dynamodbEndpoint?: string;
}

class UsageError extends Error {}

export function parseSoakArgs(argv: string[]): SoakArgs {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    if (i === -1) return undefined;
    if (i + 1 >= argv.length || argv[i + 1].startsWith("--")) throw new UsageError(`${flag} needs a value`);
    return argv[i + 1];
  };
  const positive = (flag: string, fallback: number) => {
    const raw = value(flag);
    const n = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer; got "${raw}"`);
    return n;
  };
  const args = { durationS: positive("--duration", 60), concurrency: positive("--concurrency", 50), url: value("--url"), dynamodbEndpoint: value("--dynamodb-endpoint") };
  if (Boolean(args.url) !== Boolean(args.dynamodbEndpoint)) throw new UsageError("--url and --dynamodb-endpoint go together (the store is scanned to prove the counts)");
  return args;
}

function progress(stats: SendStats, startedMs: number): void {
  const s = ((Date.now() - startedMs) / 1000).toFixed(0);
  console.error(`[soak] ${s}s requests=${stats.requests} acknowledged_events=${stats.acknowledged.size} outcomes=${JSON.stringify(stats.outcomes)}`);
}

function report(stats: SendStats, result: Reconciliation, seconds: number): boolean {
  const ok = result.missing.length === 0 && result.duplicated.length === 0;
  console.log(JSON.stringify({
    result: ok ? "stored == acknowledged" : "MISMATCH",
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
  }, null, 2));
  return ok;
}

async function soak(args: SoakArgs): Promise<boolean> {
  let local: LocalProcess | undefined;
  let dataDir: string | undefined;
  try {
    if (!args.url) {
      dataDir = mkdtempSync(path.join(os.tmpdir(), "liveinsight-soak-"));
      local = await startLocalMode(dataDir);
      console.error(`[soak] local mode on ${local.apiUrl}, data in ${dataDir}`);
    }
    const eventsUrl = args.url ? `${args.url.replace(/\/+$/, "")}/events` : local!.eventsUrl;
    const endpoint = args.dynamodbEndpoint ?? local!.dynamodbEndpoint;
    // A per-run prefix keeps this run's events apart from anything already in the table.
    const prefix = `soak${Date.now().toString(36)}`;
    const stats = newStats();
    const started = Date.now();
    const ticker = setInterval(() => progress(stats, started), 1000);
    await driveLoad({ eventsUrl, concurrency: args.concurrency, prefix, shouldStop: () => Date.now() - started >= args.durationS * 1000 }, stats);
    clearInterval(ticker);
    const seconds = (Date.now() - started) / 1000;
    return report(stats, reconcile(stats.acknowledged, await storedEventIdCounts(endpoint), `${prefix}-`), seconds);
  } finally {
    if (local) await local.stop("SIGTERM");
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  let args: SoakArgs;
  try {
    args = parseSoakArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`soak: ${(error as Error).message}\nusage: npm run soak -- --duration <s> --concurrency <n> [--url <api> --dynamodb-endpoint <url>]`);
    process.exit(2);
  }
  soak(args).then(
    (ok) => process.exit(ok ? 0 : 1),
    (error) => {
      console.error(`soak failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
