import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { archiveBatch } from "../../functions/archive/archive-batch";
import { directoryStore } from "../../functions/archive/fs-store";
import type { ArchiveStore } from "../../functions/archive/store";
import { redirectRequestLines } from "../../functions/shared/logger";
import { rowsOf, withDuck } from "./duck";
import { eventImage, sequence, streamRecord } from "./rows";

const DAY1 = Date.UTC(2026, 11, 6, 23, 59, 59, 900);
const DAY2 = Date.UTC(2026, 11, 7, 0, 0, 0, 100);

const batch = () => [
  streamRecord(eventImage({ session: "sess_a", eventId: "evt_1", timestamp: DAY1, page: "/a" }), sequence(1)),
  streamRecord(eventImage({ session: "sess_a", eventId: "evt_2", timestamp: DAY2, page: "/b" }), sequence(2)),
  streamRecord(eventImage({ session: "shop#sess_b", eventId: "evt_3", timestamp: DAY2 + 5 }), sequence(3)),
];

describe("archiver (stream batch → Parquet per day)", () => {
  let dir: string;
  let store: ArchiveStore;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "li-archiver-"));
    store = directoryStore(dir);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("writes one object per UTC day, named by the day's first/last sequence numbers", async () => {
    const report = await archiveBatch(batch(), store);
    expect(report.batchItemFailures).to.deep.equal([]);
    expect(report.archived).to.equal(3);
    const keys = await store.list("events/");
    expect(keys).to.have.length(2);
    expect(keys[0]).to.match(new RegExp(`^events/dt=2026-12-06/b-${sequence(1)}-${sequence(1)}-[0-9a-f]{16}\\.parquet$`));
    expect(keys[1]).to.match(new RegExp(`^events/dt=2026-12-07/b-${sequence(2)}-${sequence(3)}-[0-9a-f]{16}\\.parquet$`));
    const glob = path.join(dir, "events/*/*.parquet").replaceAll("'", "''");
    const rows = await withDuck((c) =>
      rowsOf(
        c,
        `SELECT dt::VARCHAR AS dt, site_id, session_id, event_id FROM read_parquet('${glob}', hive_partitioning = true) ORDER BY event_id`,
      ),
    );
    expect(rows).to.deep.equal([
      { dt: "2026-12-06", site_id: "local", session_id: "sess_a", event_id: "evt_1" },
      { dt: "2026-12-07", site_id: "local", session_id: "sess_a", event_id: "evt_2" },
      { dt: "2026-12-07", site_id: "shop", session_id: "sess_b", event_id: "evt_3" },
    ]);
  });

  it("re-running the same batch overwrites the same objects with the same bytes", async () => {
    await archiveBatch(batch(), store);
    const keys = await store.list("events/");
    const bytes = keys.map((k) => readFileSync(path.join(dir, k)));
    await archiveBatch(batch(), store);
    expect(await store.list("events/")).to.deep.equal(keys);
    expect(keys.map((k) => readFileSync(path.join(dir, k)))).to.deep.equal(bytes);
    expect(readdirSync(path.join(dir, "events/dt=2026-12-07"))).to.have.length(1); // no temporary file left
  });

  it("skips MODIFY and REMOVE records (the mapping's filter keeps them out; TTL deletions are REMOVE)", async () => {
    const records = batch();
    records[1].eventName = "MODIFY";
    records[2].eventName = "REMOVE";
    const report = await archiveBatch(records, store);
    expect([report.archived, report.skipped, report.batchItemFailures]).to.deep.equal([1, 2, []]);
  });

  it("skips the collector's pins and future markers (no received_at): bookkeeping, not events, and not poison", async () => {
    const records = batch();
    records[1].dynamodb!.NewImage = {
      session_id: { S: "#pin#sess_a" },
      event_key: { S: "1765065600000#evt_2" },
      pinned_timestamp: { N: "1" },
    };
    records[2].dynamodb!.NewImage = { session_id: { S: "#pin#sess_b" }, event_key: { S: "#future" }, latest_timestamp: { N: "1" } };
    const report = await archiveBatch(records, store);
    expect([report.archived, report.skipped, report.batchItemFailures, report.poison]).to.deep.equal([1, 2, [], []]);
  });

  it("reports a poison record by its sequence number and archives every other record", async () => {
    const records = batch();
    delete records[1].dynamodb!.NewImage!.user_id;
    const report = await archiveBatch(records, store);
    expect(report.batchItemFailures).to.deep.equal([{ itemIdentifier: sequence(2) }]);
    expect(report.poison).to.deep.equal([{ sequenceNumber: sequence(2), reason: "attribute user_id must be a non-empty string (S)" }]);
    expect(report.archived).to.equal(2);
  });

  it("reports every record of a day whose PutObject failed, lowest first, and writes the other day", async () => {
    const failing: ArchiveStore = {
      ...store,
      put: (key, body) => (key.includes("dt=2026-12-07") ? Promise.reject(new Error("SlowDown")) : store.put(key, body)),
    };
    const report = await archiveBatch(batch(), failing);
    expect(report.batchItemFailures).to.deep.equal([{ itemIdentifier: sequence(2) }, { itemIdentifier: sequence(3) }]);
    expect(report.failedObjects.map((f) => [f.records, f.reason])).to.deep.equal([[2, "Error: SlowDown"]]);
    expect((await store.list("events/")).map((k) => k.split("/")[1])).to.deep.equal(["dt=2026-12-06"]);
  });

  it("the Lambda handler reads ARCHIVE_DIR once, returns batchItemFailures and logs one line without event data", async () => {
    process.env.ARCHIVE_DIR = dir;
    const lines: string[] = [];
    const restore = redirectRequestLines((text) => lines.push(text));
    try {
      const { handler } = require("../../functions/archiver") as typeof import("../../functions/archiver");
      const records = batch();
      records[0].dynamodb!.NewImage!.timestamp = { S: "yesterday" };
      const result = await handler({ Records: records as never });
      expect(result).to.deep.equal({ batchItemFailures: [{ itemIdentifier: sequence(1) }] });
      const line = JSON.parse(lines[0]);
      expect([line.level, line.service, line.records, line.archived, line.objects, line.failed_records]).to.deep.equal([
        "WARN",
        "archiver",
        3,
        2,
        1,
        1,
      ]);
      expect(lines[0]).not.to.include("sess_a");
    } finally {
      restore();
      delete process.env.ARCHIVE_DIR;
    }
  });
});
