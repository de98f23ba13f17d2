import { expect } from "chai";
import fc from "fast-check";
import { ACTIVE_WINDOW_MINUTES, countedMinutes, MAX_SLOTS_READ, MINUTE_MS, SLOT_MINUTES, slotsRead } from "../../contracts/realtime";
import {
  bucketKey,
  bucketKeysRead,
  type Deltas,
  freshFrom,
  type Mark,
  minuteOf,
  moveDeltas,
  shardOf,
  sumBuckets,
} from "../../functions/core/realtime-buckets";

const NOW_MINUTE = 29_935_440; // 2026-12-01 12:00 UTC
const page = fc.constantFrom("https://e.com/a", "https://e.com/b", "https://e.com/c?q=1:2", undefined);

/** Applies deltas to plain items, as DynamoDB's ADD does on the bucket items. */
function applyAll(items: Map<string, Record<string, unknown>>, deltas: Deltas) {
  for (const [key, counters] of deltas) {
    const item = items.get(key) ?? { counter_key: key };
    for (const [name, by] of counters) item[name] = Number(item[name] ?? 0) + by;
    items.set(key, item);
  }
}

describe("realtime buckets (pure layout)", () => {
  it("reads at most 7 slots, and they hold every minute a snapshot counts, for any minute", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60_000_000 }), (now) => {
        const slots = slotsRead(now);
        const { from, to } = countedMinutes(now);
        expect(slots.length).to.be.at.most(MAX_SLOTS_READ);
        expect(slots[0]).to.equal(Math.floor(from / SLOT_MINUTES));
        expect(slots[slots.length - 1]).to.equal(Math.floor(to / SLOT_MINUTES));
        expect(to - from + 1).to.equal(ACTIVE_WINDOW_MINUTES + 6);
      }),
    );
    expect(MAX_SLOTS_READ * 1).to.be.at.most(10);
  });

  it("keys every shard's bucket, the first without a suffix", () => {
    // minute 6000 counts minutes 5971..6006: slots 995..1001
    expect(bucketKeysRead("shop", 6 * MINUTE_MS * 1000 + 1, 2)).to.deep.equal(
      Array.from({ length: 7 }, (_, i) => 995 + i).flatMap((slot) => [`shop#${slot}`, `shop#${slot}#1`]),
    );
    expect([bucketKey("shop", 7, 0), bucketKey("shop", 7, 3)]).to.deep.equal(["shop#7", "shop#7#3"]);
  });

  it("leaves every entity counted once, at its last mark, after any path of moves, and sums what a brute force counts", () => {
    const entity = fc.record({
      minutes: fc.array(fc.integer({ min: -40, max: 6 }), { minLength: 1, maxLength: 6 }),
      pages: fc.array(page, { minLength: 6, maxLength: 6 }),
    });
    fc.assert(
      fc.property(
        fc.array(entity, { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 7 }),
        (entities, shards, later) => {
          const items = new Map<string, Record<string, unknown>>();
          const finals: Mark[] = [];
          const nowMs = NOW_MINUTE * MINUTE_MS + 17_000;
          entities.forEach((e, n) => {
            // Last activity only grows: the marks a session passes through are sorted.
            const marks = [...e.minutes].sort((a, b) => a - b).map((m, i) => ({ minute: NOW_MINUTE + m, page: e.pages[i] }));
            let at: Mark | undefined;
            for (const mark of marks) {
              applyAll(items, moveDeltas("session", { site: "s", entityKey: `s#${n}`, shards }, at, mark, Number.NEGATIVE_INFINITY));
              at = mark;
            }
            finals.push(at!);
          });
          const readAt = nowMs + later * MINUTE_MS;
          const counted = finals.filter((m) => m.minute >= minuteOf(readAt) - ACTIVE_WINDOW_MINUTES + 1);
          const totals = sumBuckets([...items.values()], readAt);
          expect(totals.sessions).to.equal(counted.length);
          const pages = new Map<string, number>();
          for (const m of counted) if (m.page) pages.set(m.page, (pages.get(m.page) ?? 0) + 1);
          expect(new Map([...totals.pages].filter(([, n]) => n !== 0))).to.deep.equal(pages);
        },
      ),
    );
  });

  it("leaves minutes past every window alone: a move from or to one writes nothing there", () => {
    const now = NOW_MINUTE * MINUTE_MS;
    const stale = { minute: freshFrom(now) - 1, page: "https://e.com/a" };
    const live = { minute: NOW_MINUTE, page: "https://e.com/b" };
    const where = { site: "s", entityKey: "s#1", shards: 1 };
    expect([...moveDeltas("session", where, stale, live, freshFrom(now))]).to.deep.equal([
      [
        `s#${Math.floor(NOW_MINUTE / 6)}`,
        new Map([
          ["s0", 1],
          ["p0:https://e.com/b", 1],
        ]),
      ],
    ]);
    expect(moveDeltas("session", where, undefined, stale, freshFrom(now)).size).to.equal(0);
  });

  it("spreads entities over the shards and keeps each on one", () => {
    const counts = [0, 0, 0];
    for (let i = 0; i < 3000; i++) counts[shardOf(`shop#sess_${i}`, 3)]++;
    for (const n of counts) expect(n).to.be.within(900, 1100);
    expect(shardOf("shop#sess_1", 3)).to.equal(shardOf("shop#sess_1", 3));
    expect(shardOf("shop#sess_1", 1)).to.equal(0);
  });
});
