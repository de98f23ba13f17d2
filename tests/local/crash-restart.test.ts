/**
 * Crash safety of local mode: SIGKILL in the middle of a concurrent load, restart on the same
 * data directory, and every event that was acknowledged with a 200 is stored exactly once.
 */

import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { eventIdPrefix } from "../../scripts/lib/event-generator";
import { driveLoad, newStats } from "../support/event-sender";
import { type LocalProcess, reconcile, startLocalMode, storedEventIdCounts } from "../support/local-process";

describe("local mode: crash and restart", function () {
  this.timeout(90_000);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "liveinsight-crash-"));
  const children: LocalProcess[] = [];

  after(async () => {
    await Promise.all(children.map((c) => c.stop("SIGKILL")));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("keeps every acknowledged event, exactly once, after SIGKILL mid-load", async () => {
    const first = await startLocalMode(dataDir);
    children.push(first);
    const stats = newStats();
    let killedAt = Number.POSITIVE_INFINITY;
    // Sending goes on for a second after the kill, so requests certainly meet the dead instance.
    const load = driveLoad(
      { eventsUrl: first.eventsUrl, concurrency: 8, prefix: "crash", shouldStop: () => Date.now() - killedAt > 1000 },
      stats,
    );
    // Kill once the load is well under way (more than 20 events acknowledged), while requests are
    // certainly in flight. Counted, not timed: a fresh instance on a busy machine acknowledges its
    // first events late (its cold start), so a fixed delay sometimes killed it before any load.
    const deadline = Date.now() + 30_000;
    while (stats.acknowledged.size <= 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const ackedBeforeKill = stats.acknowledged.size;
    killedAt = Date.now();
    expect(await first.stop("SIGKILL")).to.equal(null);
    await load;
    expect(ackedBeforeKill, "the load must have been acknowledged before the kill").to.be.greaterThan(20);
    expect(stats.outcomes.network, "requests after the kill must fail").to.be.greaterThan(0);

    const second = await startLocalMode(dataDir);
    children.push(second);
    const result = reconcile(stats.acknowledged, await storedEventIdCounts(second.dynamodbEndpoint), eventIdPrefix("crash"));
    console.log(
      `      requests ${stats.requests} ${JSON.stringify(stats.outcomes)}; acknowledged ${result.acknowledged}, stored ${result.stored}, unacknowledged-but-stored ${result.unacknowledgedStored}`,
    );
    expect(result.missing).to.deep.equal([]);
    expect(result.duplicated).to.deep.equal([]);
    expect(result.stored - result.unacknowledgedStored).to.equal(result.acknowledged);
    expect(await second.stop("SIGTERM")).to.equal(0);
  });
});
