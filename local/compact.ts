/**
 * `npm run local:compact [-- --day YYYY-MM-DD]`: the compaction job on local mode's archive, now:
 * every closed day that needs it, or the one day named. The same handler the daily schedule runs.
 */
import { ARCHIVE_ENV } from "../contracts/archive";
import { redirectRequestLines } from "../functions/shared/logger";
import { parseCommandLine, runCli, stringOption, UsageError } from "../lib/cli";
import { archivePaths } from "./archive-paths";
import { dataDirFrom } from "./settings";

export const COMPACT_USAGE = `Usage: npm run local:compact [-- --day YYYY-MM-DD]

Compacts local mode's archive (<data dir>/archive, LIVEINSIGHT_DATA_DIR, default .liveinsight):
each closed UTC day (ended more than two hours ago) with more than one file is merged into one
file without duplicates. --day compacts that day even if it is still open. Safe to run while
\`npm start\` runs and safe to interrupt: run it again.
`;

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(argv, { day: { type: "string" } });
  if (parsed.help) {
    process.stdout.write(COMPACT_USAGE);
    return 0;
  }
  const day = stringOption(parsed.values, "day");
  if (day !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new UsageError(`--day must be a UTC day like 2026-12-07; got "${day}".`);
  process.env[ARCHIVE_ENV.directory] = archivePaths(dataDirFrom(process.env)).archive;
  const { handler } = await import("../functions/compaction");
  // The handler's JSON line (what CloudWatch Logs gets) goes to stderr; stdout is the summary.
  redirectRequestLines((text) => process.stderr.write(text));
  const { days } = await handler(day ? { day } : {});
  for (const d of days)
    process.stdout.write(`${d.day}: ${d.inputs} file(s), ${d.rowsRead} rows → ${d.outputs.length} file(s), ${d.rowsWritten} rows\n`);
  if (days.length === 0) process.stdout.write("Nothing to compact: every closed day is one file already.\n");
  return 0;
}

if (require.main === module) void runCli("local:compact", main);
