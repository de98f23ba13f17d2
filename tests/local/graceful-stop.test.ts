/**
 * SIGTERM / Ctrl-C in local mode: under load every acknowledged event is stored; a client that
 * keeps its connection open cannot hold the stop up past the grace period; a second signal exits
 * at once.
 */

import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { eventIdPrefix } from "../../scripts/lib/event-generator";
import { driveLoad, newStats } from "../support/event-sender";
import { type LocalProcess, reconcile, startLocalMode, storedEventIdCounts } from "../support/local-process";

/** A request whose body never finishes arriving: in flight until the server gives up on it. */
function stuckRequest(eventsUrl: string): Promise<net.Socket> {
  const url = new URL(eventsUrl);
  const socket = net.connect(Number(url.port), url.hostname);
  socket.on("error", () => undefined);
  return new Promise((resolve) =>
    socket.once("connect", () => {
      socket.write(
        `POST /events HTTP/1.1\r\nhost: ${url.host}\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"event_type"`,
      );
      setTimeout(() => resolve(socket), 200); // the server has read the headers: the request is in flight
    }),
  );
}

describe("local mode: graceful stop", function () {
  this.timeout(90_000);
  const root = mkdtempSync(path.join(os.tmpdir(), "li-stop-"));
  const children: LocalProcess[] = [];
  const start = async (name: string) => {
    const local = await startLocalMode(path.join(root, name));
    children.push(local);
    return local;
  };
  after(async () => {
    await Promise.all(children.map((c) => c.stop("SIGKILL")));
    rmSync(root, { recursive: true, force: true });
  });

  it("loses no acknowledged event when SIGTERM arrives mid-load", async () => {
    const local = await start("load");
    const stats = newStats();
    let exited = false;
    const load = driveLoad({ eventsUrl: local.eventsUrl, concurrency: 8, prefix: "term", maxBatch: 20, shouldStop: () => exited }, stats);
    while (stats.acknowledged.size < 200) await new Promise((r) => setTimeout(r, 50));
    const code = await local.stop("SIGTERM");
    exited = true;
    await load;
    expect(code).to.equal(0);
    expect(local.stderr()).to.include("stopped cleanly");

    const again = await start("load");
    const result = reconcile(stats.acknowledged, await storedEventIdCounts(again.dynamodbEndpoint), eventIdPrefix("term"));
    expect(result.missing).to.deep.equal([]);
    expect(result.duplicated).to.deep.equal([]);
    expect(result.acknowledged).to.be.greaterThan(199);
    expect(await again.stop("SIGTERM")).to.equal(0);
  });

  it("force-closes a connection still busy after the grace period, then exits 0", async () => {
    const local = await start("grace");
    const socket = await stuckRequest(local.eventsUrl);
    const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    expect(await local.stop("SIGTERM")).to.equal(0);
    await closed;
    expect(socket.destroyed).to.equal(true);
  });

  it("exits at once on a second signal", async () => {
    const local = await start("twice");
    const socket = await stuckRequest(local.eventsUrl);
    local.child.kill("SIGINT");
    while (!local.stderr().includes("SIGINT: finishing in-flight requests")) await new Promise((r) => setTimeout(r, 20));
    local.child.kill("SIGINT");
    expect(await local.exited).to.equal(1);
    expect(local.stderr()).to.include("second SIGINT: exiting now");
    expect(local.stderr()).not.to.include("stopped cleanly");
    socket.destroy();
  });
});
