/**
 * The tracker's retry queue (tracker/storage.ts) shared by tabs through one localStorage: whatever
 * the interleaving of failed sends and drains of two tabs, every event is delivered at least once
 * (a duplicate is fine: the server stores by event_id), and the queue keeps its 500-event and
 * 7-day bounds. The browser side is tests/browser/retry.browser.ts.
 */
import { expect } from "chai";
import fc from "fast-check";
import type { TrackedEvent } from "../../tracker/validate";

/**
 * tracker/storage.ts's API, declared here: that module is typed for the browser (tracker/tsconfig.json),
 * which this project's Node lib cannot check, so it is required rather than imported.
 */
interface QueueApi {
  store(key: string, value?: string | null): string | null;
  queued(): Batch[];
  queueAdd(batch: TrackedEvent[]): void;
}
type Batch = [string, TrackedEvent[]];

/** localStorage as the tracker uses it: items are the object's own keys, as Object.keys sees them in browsers. */
class FakeStorage {
  getItem(key: string): string | null {
    return Object.hasOwn(this, key) ? (this as unknown as Record<string, string>)[key] : null;
  }
  setItem(key: string, value: string) {
    (this as unknown as Record<string, string>)[key] = String(value);
  }
  removeItem(key: string) {
    delete (this as unknown as Record<string, string>)[key];
  }
}

describe("tracker/storage retry queue", () => {
  let storage: QueueApi;
  const globals = globalThis as unknown as { document?: unknown; localStorage?: FakeStorage };
  let ids = 0;
  const batch = (size: number, timestamp = Date.now()): TrackedEvent[] =>
    Array.from({ length: size }, () => ({ event_type: "click", event_id: `e_${String(++ids).padStart(16, "0")}`, timestamp }));
  const queuedIds = () => storage.queued().flatMap(([, events]) => events.map((e) => e.event_id));

  before(() => {
    // The module reads its script tag once, when it loads: no tag, so no data-storage="none".
    globals.document = { currentScript: null };
    globals.localStorage = new FakeStorage();
    // Required only now, once the globals exist (an import would load it first).
    storage = require("../../tracker/storage") as QueueApi;
  });
  beforeEach(() => {
    globals.localStorage = new FakeStorage();
  });
  after(() => {
    delete globals.document;
    delete globals.localStorage;
  });

  it("delivers every event of two tabs at least once, whatever the order of their failed sends and drains", () => {
    const step = fc.oneof(
      fc.record({ tab: fc.integer({ min: 0, max: 1 }), add: fc.integer({ min: 1, max: 10 }) }),
      fc.record({ tab: fc.integer({ min: 0, max: 1 }), drain: fc.constant(true) }),
      fc.record({ tab: fc.integer({ min: 0, max: 1 }), answer: fc.boolean() }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        globals.localStorage = new FakeStorage();
        const created = new Set<string>();
        const delivered = new Set<string>();
        const inFlight: (Batch | undefined)[] = [undefined, undefined];
        // A drain as tracker.ts does it: send the oldest batch of any tab; on success remove its key.
        const answer = (tab: number, ok: boolean) => {
          const sent = inFlight[tab];
          inFlight[tab] = undefined;
          if (!sent || !ok) return;
          for (const e of sent[1]) delivered.add(e.event_id);
          storage.store(sent[0], null);
        };
        for (const s of steps) {
          if ("add" in s) {
            const events = batch(s.add);
            for (const e of events) created.add(e.event_id);
            storage.queueAdd(events);
          } else if ("drain" in s) inFlight[s.tab] ??= storage.queued()[0];
          else answer(s.tab, s.answer);
        }
        // Whatever was left in flight is answered; then one tab drains what remains.
        answer(0, true);
        answer(1, true);
        for (let next = storage.queued()[0]; next; next = storage.queued()[0]) {
          inFlight[0] = next;
          answer(0, true);
        }
        expect([...created].filter((id) => !delivered.has(id))).to.deep.equal([]);
      }),
      { numRuns: 300 },
    );
  });

  it("keeps batches oldest first and drops the oldest beyond 500 events in all", () => {
    const now = Date.now();
    const batches = Array.from({ length: 60 }, (_, i) => batch(10, now - 60_000 + i));
    for (const b of batches) storage.queueAdd(b);
    expect(queuedIds()).to.deep.equal(batches.slice(10).flatMap((b) => b.map((e) => e.event_id)));
  });

  it("sends no event older than 7 days and removes a batch left empty", () => {
    const now = Date.now();
    const old = now - 7 * 24 * 3600_000 - 1000;
    const mixed = [...batch(2, old), ...batch(1, now)];
    storage.queueAdd(batch(3, old));
    storage.queueAdd(mixed);
    expect(queuedIds()).to.deep.equal([mixed[2].event_id]);
    expect(Object.keys(globals.localStorage as FakeStorage)).to.deep.equal([`li_q_${old}${mixed[0].event_id}`]);
  });
});
