/**
 * After any mix of the faults the archive meets (the archiver killed mid-batch, PutObject failing,
 * redelivered batches, a poison record, compaction interrupted at any write or delete), every
 * acknowledged event is in the archive exactly once as the `events` view shows it, before and after
 * compaction. fast-check chooses the events, the batch boundaries, the redeliveries and the crash
 * points; the stream side is the event source mapping's emulation (local/stream-delivery.ts).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import fc from "fast-check";
import { type ArchiverRecord, archiveBatch } from "../../functions/archive/archive-batch";
import { compactDay } from "../../functions/archive/compact";
import { directoryStore } from "../../functions/archive/fs-store";
import { dayOf } from "../../functions/archive/naming";
import type { ArchiveStore } from "../../functions/archive/store";
import { openArchiveQuery } from "../../local/archive-query";
import { deliverBatch, type GivenUp } from "../../local/stream-delivery";
import { eventImage, sequence, streamRecord } from "./rows";

const T = Date.UTC(2026, 11, 5, 20);

/** A store that fails the calls whose running index is in `failAt`: before a put ("S3 500") or after it ("killed"). */
function faultyStore(inner: ArchiveStore, failAt: Set<number>, killAfterWrite: boolean) {
  let calls = 0;
  let killed = false;
  const store: ArchiveStore = {
    ...inner,
    async put(key, body) {
      const failing = failAt.has(calls++);
      if (failing && !killAfterWrite) throw new Error("InternalError: injected");
      await inner.put(key, body);
      if (failing) {
        killed = true;
        throw new Error("killed after the write");
      }
    },
    async delete(keys) {
      if (failAt.has(calls++)) throw new Error("killed before the delete");
      await inner.delete(keys);
    },
  };
  return {
    store,
    wasKilled: () => killed,
    reset: () => {
      killed = false;
    },
  };
}

async function viewCounts(dir: string): Promise<Map<string, number>> {
  const engine = await openArchiveQuery(dir);
  try {
    const { rows } = await engine.query("SELECT event_id, count(*)::INTEGER FROM events GROUP BY event_id");
    return new Map(rows.map(([id, n]) => [String(id), Number(n)]));
  } finally {
    engine.close();
  }
}

const scenario = fc.record({
  events: fc.integer({ min: 1, max: 30 }),
  spreadMinutes: fc.integer({ min: 1, max: 3 * 24 * 60 }),
  cuts: fc.uniqueArray(fc.integer({ min: 1, max: 29 }), { maxLength: 6 }),
  redeliver: fc.array(fc.nat(), { maxLength: 4 }),
  poisonAt: fc.option(fc.nat(), { nil: undefined }),
  archiveFaults: fc.uniqueArray(fc.nat(40), { maxLength: 8 }),
  killAfterWrite: fc.boolean(),
  compactionFaults: fc.uniqueArray(fc.nat(12), { maxLength: 3 }),
});

describe("archive faults (fast-check): every acknowledged event exactly once as queried", function () {
  this.timeout(240_000);

  it("an archiver killed after its first PutObject re-runs the batch to exactly the objects of a clean run", async () => {
    const dirs = [mkdtempSync(path.join(tmpdir(), "li-kill-")), mkdtempSync(path.join(tmpdir(), "li-clean-"))];
    try {
      const batch = [0, 1, 2].map((d) =>
        streamRecord(eventImage({ session: "s", eventId: `e${d}`, timestamp: T + d * 86_400_000 }), sequence(d)),
      );
      const killed = faultyStore(directoryStore(dirs[0]), new Set([0]), true);
      await archiveBatch(batch, killed.store);
      expect(killed.wasKilled()).to.equal(true);
      expect(await directoryStore(dirs[0]).list("events/")).to.have.length(3); // the other days were written concurrently
      await archiveBatch(batch, directoryStore(dirs[0])); // Lambda retries the whole batch
      await archiveBatch(batch, directoryStore(dirs[1]));
      const [afterKill, clean] = await Promise.all(dirs.map((d) => directoryStore(d).list("events/")));
      expect(afterKill).to.deep.equal(clean);
    } finally {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    }
  });

  it("holds under crashes, failing writes, redeliveries, a poison record and interrupted compaction", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const dir = mkdtempSync(path.join(tmpdir(), "li-faults-"));
        try {
          const step = Math.max(1, Math.floor((s.spreadMinutes * 60_000) / s.events));
          const images = Array.from({ length: s.events }, (_, i) =>
            eventImage({ session: `sess_${i % 4}`, eventId: `evt_${i}`, timestamp: T + i * step }),
          );
          const records: ArchiverRecord[] = images.map((im) => streamRecord(im, ""));
          if (s.poisonAt !== undefined) {
            const poison = eventImage({ session: "sess_p", eventId: "evt_poison", timestamp: T });
            delete poison.user_id;
            records.splice(s.poisonAt % (records.length + 1), 0, streamRecord(poison, ""));
          }
          // A shard's records are in sequence order.
          records.forEach((r, i) => (r.dynamodb!.SequenceNumber = sequence(i)));
          const cuts = [0, ...s.cuts.filter((c) => c < records.length).sort((a, b) => a - b), records.length];
          const batches = cuts
            .slice(1)
            .map((end, i) => records.slice(cuts[i], end))
            .filter((b) => b.length);
          const delivery = [...batches, ...s.redeliver.map((n) => batches[n % batches.length])];

          const faulty = faultyStore(directoryStore(dir), new Set(s.archiveFaults), s.killAfterWrite);
          const givenUp: GivenUp[] = [];
          const handler = async (event: { Records: ArchiverRecord[] }) => {
            faulty.reset();
            const result = await archiveBatch(event.Records, faulty.store);
            if (faulty.wasKilled()) throw new Error("the invocation died mid-batch"); // Lambda sees a function error
            return result;
          };
          for (const batch of delivery)
            await deliverBatch(batch, { handler, giveUp: async (b) => void givenUp.push(b), sleep: async () => undefined });

          // Only the poison record may be given up, and it always is.
          const parked = givenUp.flatMap((b) => b.records).filter((r) => r.dynamodb?.NewImage?.event_id?.S === "evt_poison");
          expect(parked.length > 0).to.equal(s.poisonAt !== undefined);
          const expected = new Map(images.map((im) => [im.event_id.S!, 1]));
          expect(await viewCounts(dir)).to.deep.equal(expected);

          // Compaction of each day, killed at chosen writes or deletes, then simply run again.
          const days = [...new Set(images.map((im) => dayOf(Number(im.timestamp.N))))];
          const crashing = faultyStore(directoryStore(dir), new Set(s.compactionFaults), true);
          for (const day of days) await compactDay(crashing.store, day).catch(() => undefined);
          expect(await viewCounts(dir)).to.deep.equal(expected);
          for (const day of days) await compactDay(directoryStore(dir), day);
          expect(await viewCounts(dir)).to.deep.equal(expected);
          const files = await directoryStore(dir).list("events/");
          expect(files.length).to.equal(days.length); // one compacted file per day
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 40, seed: 19, endOnFailure: true },
    );
  });
});
