import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { archiveBatch } from "../../functions/archive/archive-batch";
import { compactClosedDays, compactDay, daysToCompact, isClosed } from "../../functions/archive/compact";
import { decodeParquet } from "../../functions/archive/decode";
import { directoryStore } from "../../functions/archive/fs-store";
import type { ArchiveStore } from "../../functions/archive/store";
import { eventImage, sequence, streamRecord } from "./rows";

const T = Date.UTC(2026, 11, 6, 12);
const AFTER = Date.UTC(2026, 11, 8, 3); // 2026-12-06 and -07 are closed, -08 is not

function images(n: number, offset = 0) {
  return Array.from({ length: n }, (_, i) =>
    eventImage({ session: `sess_${(offset + i) % 3}`, eventId: `evt_${offset + i}`, timestamp: T + (offset + i) * 1000, page: "/p" }),
  );
}

async function dayRows(store: ArchiveStore, day: string) {
  const keys = await store.list(`events/dt=${day}/`);
  const rows = [];
  for (const k of keys) rows.push(...(await decodeParquet(await store.get(k), k)));
  return rows.map((r) => `${r.session_id}|${r.event_key}`).sort();
}

describe("compaction (a closed day's objects → one file, deduplicated)", () => {
  let dir: string;
  let store: ArchiveStore;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "li-compact-"));
    store = directoryStore(dir);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("closes a day two hours after its UTC end", () => {
    expect(isClosed("2026-12-06", Date.UTC(2026, 11, 7, 1, 59, 59, 999))).to.equal(false);
    expect(isClosed("2026-12-06", Date.UTC(2026, 11, 7, 2))).to.equal(true);
  });

  it("merges three batch objects with duplicates into one file with each event once", async () => {
    const all = images(6);
    await archiveBatch(
      all.slice(0, 4).map((im, i) => streamRecord(im, sequence(i))),
      store,
    );
    await archiveBatch(
      all.slice(2, 6).map((im, i) => streamRecord(im, sequence(10 + i))),
      store,
    ); // 2 redelivered
    await archiveBatch([streamRecord(all[5], sequence(20))], store);
    expect(await store.list("events/")).to.have.length(3);
    const [result] = await compactClosedDays(store, AFTER);
    expect([result.day, result.inputs, result.rowsRead, result.rowsWritten, result.deleted]).to.deep.equal(["2026-12-06", 3, 9, 6, 3]);
    const keys = await store.list("events/");
    expect(keys).to.deep.equal(result.outputs);
    expect(keys[0]).to.match(/^events\/dt=2026-12-06\/c-[0-9a-f]{16}-1of1\.parquet$/);
    expect(await dayRows(store, "2026-12-06")).to.deep.equal(
      images(6)
        .map((im) => `${im.session_id.S}|${im.event_key.S}`)
        .sort(),
    );
    expect(await daysToCompact(store, AFTER)).to.deep.equal([]);
  });

  it("leaves open days alone and re-compacts a compacted day that received a late event", async () => {
    await archiveBatch(
      images(2).map((im, i) => streamRecord(im, sequence(i))),
      store,
    );
    expect(await compactClosedDays(store, Date.UTC(2026, 11, 7, 1))).to.deep.equal([]);
    const [first] = await compactClosedDays(store, AFTER);
    await archiveBatch([streamRecord(images(1, 7)[0], sequence(30))], store);
    expect(await daysToCompact(store, AFTER)).to.deep.equal(["2026-12-06"]);
    const [second] = await compactClosedDays(store, AFTER);
    expect(second.outputs).not.to.deep.equal(first.outputs);
    expect([second.inputs, second.rowsWritten]).to.deep.equal([2, 3]);
    expect(await store.list("events/")).to.deep.equal(second.outputs);
  });

  it("a run killed after writing the compacted file re-runs to the same file and the same rows", async () => {
    await archiveBatch(
      images(3).map((im, i) => streamRecord(im, sequence(i))),
      store,
    );
    await archiveBatch(
      images(3, 2).map((im, i) => streamRecord(im, sequence(10 + i))),
      store,
    );
    const killed: ArchiveStore = { ...store, delete: () => Promise.reject(new Error("killed before delete")) };
    await compactDay(killed, "2026-12-06").catch(() => undefined);
    expect(await store.list("events/")).to.have.length(3); // both inputs and the output
    const rerun = await compactDay(store, "2026-12-06");
    expect([rerun.inputs, rerun.rowsRead, rerun.rowsWritten, rerun.deleted]).to.deep.equal([3, 11, 5, 2]);
    expect(await store.list("events/")).to.deep.equal(rerun.outputs);
    expect(await dayRows(store, "2026-12-06")).to.have.length(5);
  });

  it("never deletes an object that arrived after it listed the day", async () => {
    await archiveBatch(
      images(2).map((im, i) => streamRecord(im, sequence(i))),
      store,
    );
    const late = images(1, 9).map((im) => streamRecord(im, sequence(40)));
    const racing: ArchiveStore = {
      ...store,
      async put(key, body) {
        await store.put(key, body);
        await archiveBatch(late, store); // the archiver writes into the day meanwhile
      },
    };
    await compactDay(racing, "2026-12-06");
    expect(await dayRows(store, "2026-12-06")).to.have.length(3);
    expect(await daysToCompact(store, AFTER)).to.deep.equal(["2026-12-06"]);
  });

  it("the handler refuses a malformed day, naming the field", async () => {
    process.env.ARCHIVE_DIR = dir;
    const { handler } = require("../../functions/compaction") as typeof import("../../functions/compaction");
    delete process.env.ARCHIVE_DIR;
    let error: Error | undefined;
    await handler({ day: "12/06/2026" }).catch((e: Error) => (error = e));
    expect(error?.message).to.equal('compaction: "day" must be a UTC day like 2026-12-07; got "12/06/2026"');
  });
});
