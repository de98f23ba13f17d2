/**
 * A full disk in local mode (simulated with `ulimit -f`, which makes LevelDB's writes fail with
 * EFBIG): requests get 503 StorageUnavailable, the API process stays up and keeps answering,
 * and nothing that was not stored is acknowledged.
 */

import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { type LocalProcess, startLocalMode, storedEventIdCounts } from "../support/local-process";

describe("local mode with a full disk", function () {
  this.timeout(90_000);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "li-full-"));
  let local: LocalProcess | undefined;
  after(async () => {
    await local?.stop("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("answers 503 StorageUnavailable and stays up", async () => {
    local = await startLocalMode(dataDir, { fileSizeLimitKb: 1024 });
    const statuses: number[] = [];
    const acknowledged: string[] = [];
    let unavailable: unknown;
    // 100-event batches of ~400 bytes each fill 1 MiB of LevelDB log within a few dozen requests.
    for (let i = 0; i < 200 && !unavailable; i++) {
      const events = Array.from({ length: 100 }, (_, j) => ({
        event_type: "click",
        event_id: `full-${i}-${j}`,
        session_id: `full-${i}`,
        timestamp: Date.now(),
        page_url: `https://example.com/${"p".repeat(200)}`,
      }));
      const res = await fetch(local.eventsUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ events }),
      });
      statuses.push(res.status);
      const body = await res.json();
      if (res.status === 503) unavailable = body;
      if (res.status === 200) acknowledged.push(...events.map((e) => e.event_id));
    }
    expect(unavailable, `statuses: ${statuses.join(",")}`).to.include({ error: "StorageUnavailable", retryable: true });
    expect(statuses.every((s) => s === 200 || s === 503)).to.equal(true);
    expect(local.child.exitCode).to.equal(null);
    const realtime = await fetch(local.realtimeUrl);
    expect([200, 503]).to.include(realtime.status);
    expect(local.stderr()).to.match(/storage process failed: .*File too large \(is the disk full\?\)/);
    expect(local.stderr()).to.match(/requests get 503 until it is back; restarting in \d+ s/);
    expect(await local.stop("SIGTERM")).to.equal(0);

    // Space again: every acknowledged event is there.
    local = await startLocalMode(dataDir);
    const stored = await storedEventIdCounts(local.dynamodbEndpoint);
    expect(acknowledged.length).to.be.greaterThan(0);
    expect(acknowledged.filter((id) => stored.get(id) !== 1)).to.deep.equal([]);
    expect(await local.stop("SIGTERM")).to.equal(0);
  });
});
