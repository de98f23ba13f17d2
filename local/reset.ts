/**
 * `npm run local:reset`: deletes local mode's data directory (LIVEINSIGHT_DATA_DIR, default
 * .liveinsight). Refuses while an instance runs on it, and refuses a directory holding anything
 * local mode did not put there, so a mistyped LIVEINSIGHT_DATA_DIR cannot delete other files.
 */
import { existsSync, readdirSync, rmSync } from "node:fs";
import { LOCAL_KEY_FILE } from "../contracts/stats";
import { parseCommandLine, runCli, UsageError } from "../lib/cli";
import { ARCHIVE_ENTRIES } from "./archive-paths";
import { acquireLock, LOCK_FILE } from "./data-lock";
import { dataDirFrom } from "./settings";

export const RESET_USAGE = `Usage: npm run local:reset

Deletes local mode's data directory (LIVEINSIGHT_DATA_DIR, default .liveinsight): every stored
event, session and active session, the archive, and the stats key (a new one is made at the next start). Stop \`npm start\` first; reset refuses while it runs.
`;

const OURS = new Set(["dynalite", LOCK_FILE, LOCAL_KEY_FILE, ...Object.values(ARCHIVE_ENTRIES)]);

async function resetDataDir(dataDir: string): Promise<string> {
  if (!existsSync(dataDir)) return `Nothing to reset: ${dataDir} does not exist.`;
  const foreign = readdirSync(dataDir).filter((entry) => !OURS.has(entry));
  if (foreign.length) {
    throw new UsageError(
      `${dataDir} holds files local mode did not create (${foreign.slice(0, 3).join(", ")}); delete it yourself if you mean it.`,
    );
  }
  const lock = await acquireLock(dataDir); // throws LockedError naming the running instance
  rmSync(dataDir, { recursive: true, force: true });
  lock.release();
  return `Deleted ${dataDir}; the next npm start begins with empty tables.`;
}

async function main(argv: string[]): Promise<number> {
  if (parseCommandLine(argv, {}).help) {
    process.stdout.write(RESET_USAGE);
    return 0;
  }
  process.stdout.write(`${await resetDataDir(dataDirFrom(process.env))}\n`);
  return 0;
}

if (require.main === module) void runCli("local:reset", main);
