/**
 * One local mode per data directory. LevelDB has its own LOCK file, but its error is a raw trace
 * that names no process; this lock names the other instance's PID, and a lock left by a dead
 * process (kill -9, a crash) is taken over. Hand-written because the lock libraries (e.g.
 * proper-lockfile) judge staleness by mtime, not by whether the holder is still alive.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from "node:fs";
import path from "node:path";

export const LOCK_FILE = "instance.lock";

export class LockedError extends Error {
  readonly name = "LockedError";
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`Another local mode (PID ${pid}) is using ${dataDir}; stop it first, or set LIVEINSIGHT_DATA_DIR to another directory.`);
  }
}

export interface LockContent {
  pid: number;
  /** The holder's storage process, which may outlive a SIGKILLed holder by a moment. */
  storagePid?: number;
  /** Where the holder's dynalite listens, so `npm run local:scan` finds it on any port. */
  endpoint?: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"; // alive, owned by someone else
  }
}

/** What a lock file says, or undefined for no lock or a half-written one from a crash during acquire. */
function readLock(file: string): LockContent | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as LockContent;
  } catch {
    return undefined;
  }
}

const isLive = (content: LockContent | undefined) => content !== undefined && Number.isInteger(content.pid) && isAlive(content.pid);

/** The live holder's PID, or undefined when the directory is free (or its lock is stale). */
export function lockHolder(dataDir: string): LockContent | undefined {
  const content = readLock(path.join(dataDir, LOCK_FILE));
  return isLive(content) ? content : undefined;
}

export interface DataLock {
  /** Records the storage process (a successor waits for it after a crash) and its endpoint. */
  record(details: Omit<LockContent, "pid">): void;
  release(): void;
}

export async function acquireLock(dataDir: string, staleWaitMs = 5000): Promise<DataLock> {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(file, "wx"); // atomic: exactly one process creates the file
      writeSync(fd, JSON.stringify({ pid: process.pid }));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 3) throw error;
    }
    const stale = readLock(file); // read once: holder check and stale storage from the same content
    if (stale && isLive(stale)) throw new LockedError(dataDir, stale.pid);
    await waitForStaleStorage(stale?.storagePid, staleWaitMs);
    rmSync(file, { force: true });
  }
  let content: LockContent = { pid: process.pid };
  return {
    record: (details) => {
      content = { ...content, ...details };
      writeFileSync(file, JSON.stringify(content));
    },
    release: () => {
      if (lockHolder(dataDir)?.pid === process.pid) rmSync(file, { force: true });
    },
  };
}

/** A dead holder's storage process closes its LevelDB store when it notices; give it that moment. */
async function waitForStaleStorage(storagePid: number | undefined, waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  while (storagePid && isAlive(storagePid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}
