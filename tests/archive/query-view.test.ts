import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { archiveBatch } from "../../functions/archive/archive-batch";
import { directoryStore } from "../../functions/archive/fs-store";
import { duckdbArchiveSource, eventsViewSql } from "../../functions/archive/query-sql";
import { rowsOf, withDuck } from "./duck";
import { eventImage, sequence, streamRecord } from "./rows";

describe("the events view (dedup before compaction)", () => {
  let dir: string;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "li-view-"));
    const store = directoryStore(dir);
    const a = eventImage({ session: "sess_a", eventId: "evt_1", timestamp: Date.UTC(2026, 11, 6, 10), page: "/a" });
    const b = eventImage({ session: "sess_a", eventId: "evt_2", timestamp: Date.UTC(2026, 11, 7, 10), page: "/b" });
    await archiveBatch([streamRecord(a, sequence(1)), streamRecord(b, sequence(2))], store);
    await archiveBatch([streamRecord(b, sequence(2))], store); // the same batch again: same object
    await archiveBatch([streamRecord(a, sequence(1)), streamRecord(b, sequence(2)), streamRecord(a, sequence(3))], store); // bisected retry
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("shows each event once although the raw files hold one of them three times", async () => {
    const counts = await withDuck(async (c) => {
      await c.run(eventsViewSql(duckdbArchiveSource(dir)));
      return rowsOf(
        c,
        `SELECT (SELECT count(*) FROM ${duckdbArchiveSource(dir)})::INTEGER AS raw, (SELECT count(*) FROM events)::INTEGER AS events`,
      );
    });
    // evt_1 once, evt_1 twice in the retry's object; evt_2 in one object (every batch named it alike).
    expect(counts).to.deep.equal([{ raw: 4, events: 2 }]);
  });

  it("keeps dt as text, like Athena's projected partition, and reads only the days asked for", async () => {
    const rows = await withDuck(async (c) => {
      await c.run(eventsViewSql(duckdbArchiveSource(dir)));
      return rowsOf(c, "SELECT dt, typeof(dt) AS type, event_id FROM events WHERE dt = '2026-12-07'");
    });
    expect(rows).to.deep.equal([{ dt: "2026-12-07", type: "VARCHAR", event_id: "evt_2" }]);
    const plan = await withDuck(async (c) => {
      await c.run(eventsViewSql(duckdbArchiveSource(dir)));
      const explained = await rowsOf(c, "EXPLAIN ANALYZE SELECT count(*) FROM events WHERE dt = '2026-12-07'");
      return JSON.stringify(explained);
    });
    expect(plan).to.match(/Total Files Read: 1\b/);
  });
});
