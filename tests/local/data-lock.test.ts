import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { acquireLock, LOCK_FILE, LockedError, lockHolder } from "../../local/data-lock";

/** The PID of a process that has certainly exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ["-e", "0"]).pid!;
}

describe("data directory lock", () => {
  let dir: string;
  beforeEach(() => (dir = path.join(mkdtempSync(path.join(os.tmpdir(), "li-lock-")), "data")));
  afterEach(() => rmSync(path.dirname(dir), { recursive: true, force: true }));

  it("creates the directory and records this process and what it reports", async () => {
    const lock = await acquireLock(dir);
    lock.record({ storagePid: 42, endpoint: "http://127.0.0.1:9" });
    expect(JSON.parse(readFileSync(path.join(dir, LOCK_FILE), "utf8"))).to.deep.equal({
      pid: process.pid,
      storagePid: 42,
      endpoint: "http://127.0.0.1:9",
    });
    expect(lockHolder(dir)?.pid).to.equal(process.pid);
    lock.release();
    expect(existsSync(path.join(dir, LOCK_FILE))).to.equal(false);
  });

  it("refuses a directory a live process holds, naming its PID in one sentence", async () => {
    const lock = await acquireLock(dir);
    const error = await acquireLock(dir).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(LockedError);
    expect((error as Error).message).to.equal(
      `Another local mode (PID ${process.pid}) is using ${dir}; stop it first, or set LIVEINSIGHT_DATA_DIR to another directory.`,
    );
    lock.release();
  });

  it("takes over a lock left by a dead process", async () => {
    await acquireLock(dir).then((l) => l.record({}));
    const stale = deadPid();
    writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: stale, storagePid: deadPid() }));
    expect(lockHolder(dir)).to.equal(undefined);
    const lock = await acquireLock(dir);
    expect(JSON.parse(readFileSync(path.join(dir, LOCK_FILE), "utf8"))).to.deep.equal({ pid: process.pid });
    lock.release();
  });

  it("takes over a half-written lock file", async () => {
    await acquireLock(dir);
    writeFileSync(path.join(dir, LOCK_FILE), "{");
    const lock = await acquireLock(dir);
    expect(lockHolder(dir)?.pid).to.equal(process.pid);
    lock.release();
  });

  it("does not remove a lock another process took over", async () => {
    const lock = await acquireLock(dir);
    writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: process.ppid }));
    lock.release();
    expect(lockHolder(dir)?.pid).to.equal(process.ppid);
  });
});
