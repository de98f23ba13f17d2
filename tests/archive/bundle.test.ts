/** The archiver and compaction as the stack ships them: one esbuild file each, run as Lambda would load it. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { buildFunctionBundle } from "../../components/bundle";
import { redirectRequestLines } from "../../functions/shared/logger";
import { eventImage, sequence, streamRecord } from "./rows";

describe("archive function bundles", function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "li-bundle-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function load(entry: string, name: string) {
    const file = path.join(dir, `${name}.js`);
    writeFileSync(file, buildFunctionBundle(entry));
    return require(file) as { handler: (event: unknown) => Promise<unknown> };
  }

  it("bundles each into one self-contained file that archives and compacts", async () => {
    process.env.ARCHIVE_DIR = path.join(dir, "archive");
    const restore = redirectRequestLines(() => undefined);
    const silence = process.stdout.write;
    process.stdout.write = (() => true) as typeof process.stdout.write; // the bundles carry their own logger copy
    try {
      const archiver = load("functions/archiver.ts", "archiver");
      const compaction = load("functions/compaction.ts", "compaction");
      const t = Date.UTC(2026, 11, 1, 10);
      const records = [0, 1].map((i) => streamRecord(eventImage({ session: "s", eventId: `e${i}`, timestamp: t + i }), sequence(i)));
      expect(await archiver.handler({ Records: records })).to.deep.equal({ batchItemFailures: [] });
      expect(await archiver.handler({ Records: records.slice(1) })).to.deep.equal({ batchItemFailures: [] });
      const out = (await compaction.handler({ day: "2026-12-01" })) as { days: { rowsRead: number; rowsWritten: number }[] };
      expect(out.days.map((d) => [d.rowsRead, d.rowsWritten])).to.deep.equal([[3, 2]]);
    } finally {
      process.stdout.write = silence;
      restore();
      delete process.env.ARCHIVE_DIR;
    }
  });
});
