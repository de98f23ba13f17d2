/**
 * `node --expose-gc --import tsx tests/archive/compaction-memory.ts [--events N]`: how much memory
 * and time compaction of one day takes (it holds the day's rows in memory), so the compaction
 * function's memory can be sized per traffic level (docs/archive.md).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { compactDay } from "../../functions/archive/compact";
import { directoryStore } from "../../functions/archive/fs-store";
import { encodeParquet } from "../../functions/archive/parquet";
import { numberOption, parseCommandLine, runCli } from "../../lib/cli";
import { sampleRow } from "./rows";

const USAGE = `Usage: node --expose-gc --import tsx tests/archive/compaction-memory.ts [--events <n>]

Writes one day of <n> events (default 200,000) as 10 batch objects, compacts it and prints the
peak resident memory above the baseline, per event, and the time taken.
`;

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(argv, { events: { type: "string" } });
  if (parsed.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const n = numberOption(parsed.values, "events", { min: 10, max: 10_000_000, integer: true }, 200_000);
  const dir = mkdtempSync(path.join(tmpdir(), "li-compaction-memory-"));
  try {
    const store = directoryStore(dir);
    const t = Date.UTC(2026, 11, 1);
    const perFile = Math.ceil(n / 10);
    for (let f = 0; f * perFile < n; f++) {
      const rows = Array.from({ length: Math.min(perFile, n - f * perFile) }, (_, i) => {
        const k = f * perFile + i;
        const hex = ((k * 2654435761) >>> 0).toString(16).padStart(8, "0");
        return sampleRow({
          session_id: `sess_${t + (k % 5000) * 1000}_${hex}`,
          event_key: `${t + k * 400}#evt_20261201_${hex}_${k}`,
          event_id: `evt_20261201_${hex}_${k}`,
          timestamp: t + Math.floor((k * 86_000_000) / n),
          received_at: t + Math.floor((k * 86_000_000) / n) + 30,
          page_url: `https://shop.example.com/p/${k % 300}`,
        });
      });
      await store.put(`events/dt=2026-12-01/b-${f}.parquet`, encodeParquet(rows));
    }
    (globalThis as { gc?: () => void }).gc?.();
    const base = process.memoryUsage().rss;
    let peak = base;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const started = performance.now();
    const result = await compactDay(store, "2026-12-01");
    clearInterval(sampler);
    const figures = {
      events: result.rowsWritten,
      ms: Math.round(performance.now() - started),
      peak_rss_above_base_mb: Math.round((peak - base) / 1e6),
      bytes_per_event: Math.round((peak - base) / n),
    };
    process.stdout.write(`${JSON.stringify(figures)}\n`);
    return 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) void runCli("compaction-memory", main);
