/**
 * Lambda "compaction": run daily by EventBridge Scheduler; compacts every closed day that needs it
 * (functions/archive/compact.ts). `{"day":"YYYY-MM-DD"}` compacts that one day now, closed or
 * not (an operator's re-run). A failure throws: the invocation counts in the function's Errors
 * metric (alarmed) and the scheduler's retry policy runs it again, which is safe by construction.
 */
import { compactClosedDays, compactDay, type DayCompaction } from "./archive/compact";
import { archiveLogLine, storeFromEnv } from "./archive/runtime";
import { stdoutSink } from "./shared/logger";

const store = storeFromEnv(process.env);

export interface CompactionRequest {
  day?: string;
}

export async function handler(event: CompactionRequest | undefined): Promise<{ days: DayCompaction[] }> {
  const day = event?.day;
  if (day !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(day))
    throw new Error(`compaction: "day" must be a UTC day like 2026-12-07; got ${JSON.stringify(day)}`);
  try {
    const days = day ? [await compactDay(store, day)] : await compactClosedDays(store, Date.now());
    const totals = days.reduce((t, d) => ({ read: t.read + d.rowsRead, written: t.written + d.rowsWritten }), { read: 0, written: 0 });
    stdoutSink(
      archiveLogLine("compaction", { days: days.map((d) => d.day), rows_read: totals.read, rows_written: totals.written }, "INFO"),
    );
    return { days };
  } catch (error) {
    stdoutSink(
      archiveLogLine("compaction", { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }, "ERROR"),
    );
    throw error;
  }
}
