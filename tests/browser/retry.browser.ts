/**
 * The tracker's retry queue in headless Chromium (docs/tracker.md): two tabs failing at once share
 * it without losing an event, the backoff schedule in virtual time, and a bot-drop answer that is
 * delivered, not retried. Playwright's fake clock is paused after the load, so every timer fires
 * only when a test runs the clock; the POSTs themselves are real.
 */
import { expect } from "chai";
import type { Page } from "playwright-core";
import { eventually, harness, queuedEvents } from "./harness";
import "./hooks";
import { perTestPages } from "./support/per-test";

/**
 * Records, in the page, the (virtual) time of every fetch and whether it was answered. The flag is
 * set before the tracker's own handlers run, in the same microtask checkpoint, so once a test
 * sees it the tracker has handled the answer. A string, so no transpiler helper leaks in.
 */
const RECORD_FETCHES = `
  const realFetch = window.fetch;
  window.__fetches = [];
  window.fetch = function (...args) {
    const record = { at: Date.now(), answered: false };
    window.__fetches.push(record);
    return realFetch.apply(this, args).finally(() => { record.answered = true; });
  };`;

interface FetchRecord {
  at: number;
  answered: boolean;
}
const fetches = (page: Page) => page.evaluate(() => (window as unknown as { __fetches: FetchRecord[] }).__fetches);

/** Waits until every fetch the page made was answered and handled; returns how many it made. */
const settled = (page: Page) =>
  eventually(
    async () => {
      const all = await fetches(page);
      return all.every((f) => f.answered) && all.length;
    },
    5000,
    "every POST answered",
  );

/** Tracks events of `type` and flushes them; resolves once they were delivered, dropped or queued. */
const send = (page: Page, type: string, count = 1) =>
  page.evaluate(
    ([t, n]) => {
      for (let i = 0; i < n; i++) window.liveinsight.track(t, { n: i });
      return window.liveinsight.flush();
    },
    [type, count] as const,
  );

describe("tracker retry queue in Chromium", function () {
  this.timeout(60_000);
  const pages = perTestPages();
  const posts = () => pages.seen().filter((s) => s.method === "POST");
  /** Chromium reports a failed fetch's status on the console itself; the tracker logs nothing. */
  const onlyStatusReports = (problems: string[]) => problems.filter((p) => !/status of 503/.test(p));

  it("stores every event of two tabs whose sends fail at once, after both drain the shared queue at once", async () => {
    const a = await pages.open({ path: "/tab-a", attributes: { "data-auto": "false" }, fakeClock: true, initScript: RECORD_FETCHES });
    const b = await harness.openTab(a, { path: "/tab-b", attributes: { "data-auto": "false" } });
    await a.page.clock.pauseAt(Date.now() + 60_000);
    // Both first sends reach the API, wait for each other, and fail together.
    harness.holdNext(2);
    harness.failNext(503, 2);
    await Promise.all([send(a.page, "tab_a", 5), send(b.page, "tab_b", 5)]);
    const failed = posts().flatMap((s) => s.events ?? []);
    expect(posts().map((s) => s.status)).to.deep.equal([503, 503]);
    const ids = failed.map((e) => e.event_id).sort();
    expect(ids).to.have.length(10);
    // Each tab sees both tabs' batches in the queue, no event lost to the other's write.
    for (const tab of [a, b])
      await eventually(
        async () => JSON.stringify((await queuedEvents(tab.page)).map((e) => e.event_id).sort()) === JSON.stringify(ids),
        5000,
        "both batches queued",
      );
    // Both tabs' first retries are in flight at once: two drains of one queue.
    harness.holdNext(2);
    await a.page.clock.runFor(1000);
    for (const tab of [a, b]) await settled(tab.page);
    for (const tab of [a, b]) await eventually(async () => (await queuedEvents(tab.page)).length === 0, 5000, "an empty queue");
    const stored = (await harness.stored()).map((i) => i.event_id as string).filter((id) => ids.includes(id));
    expect([...new Set(stored)].sort()).to.deep.equal(ids);
    // A drain may resend a batch the other tab just sent (an exact duplicate); it never sends anything else.
    const retried = posts().slice(2);
    expect(retried.map((s) => s.status))
      .to.have.length.at.least(2)
      .and.deep.equal(retried.map(() => 200));
    expect(retried.flatMap((s) => s.events ?? []).every((e) => ids.includes(e.event_id))).to.equal(true);
    expect(onlyStatusReports(b.problems)).to.deep.equal([]);
    expect(onlyStatusReports(a.problems)).to.deep.equal([]);
    a.problems.length = 0;
  });

  it("retries after 1, 2, 4, 8 … s up to 5 min per failed retry, not per failed send, and starts again at 1 s after a success", async () => {
    const { page, problems } = await pages.open({
      path: "/schedule",
      attributes: { "data-auto": "false" },
      fakeClock: true,
      initScript: RECORD_FETCHES,
    });
    await page.clock.pauseAt(Date.now() + 60_000);
    const waits = [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300].map((s) => s * 1000);
    // Two failed sends, then every retry fails but the last.
    harness.failNext(503, 2 + waits.length - 1);
    await send(page, "first");
    // The queue sends oldest first; batches of the same millisecond have no order among them.
    await page.clock.runFor(1);
    await send(page, "second"); // a second failed send leaves the wait at 1 s
    for (const [i, wait] of waits.entries()) {
      const made = await settled(page);
      await page.clock.runFor(wait - 1 - (i === 0 ? 1 : 0));
      expect(await fetches(page), `nothing before ${wait} ms`).to.have.length(made);
      await page.clock.runFor(1);
      expect(await fetches(page), `a retry after ${wait} ms`).to.have.length(made + 1);
    }
    await settled(page);
    harness.failNext(503);
    await send(page, "third");
    await page.clock.runFor(999);
    expect(await fetches(page)).to.have.length(15);
    await page.clock.runFor(1);
    await settled(page);

    const [start, ...rest] = (await fetches(page)).map((f) => f.at);
    const offsets = [0, ...rest.map((t) => t - start)];
    let done = 0;
    const retries = waits.map((w) => (done += w));
    // The first batch is retried until it is stored; the second follows at once, then the backoff is 1 s again.
    expect(offsets).to.deep.equal([0, 1, ...retries, done, done, done + 1000]);
    expect(posts().map((s) => [s.status, s.events?.map((e) => e.event_type).join()])).to.deep.equal([
      [503, "first"],
      [503, "second"],
      ...waits.slice(0, -1).map(() => [503, "first"]),
      [200, "first"],
      [200, "second"],
      [503, "third"],
      [200, "third"],
    ]);
    expect(onlyStatusReports(problems)).to.deep.equal([]);
    problems.length = 0;
  });

  it('takes a 200 {"accepted":0,"dropped":N,"reason":"bot"} as delivered: not queued, never retried', async () => {
    const { page, problems } = await pages.open({ path: "/bot", attributes: { "data-auto": "false" }, fakeClock: true });
    await page.clock.pauseAt(Date.now() + 60_000);
    // The server's answer to a request it takes for a bot (SPEC §9), served here without the collector.
    harness.answerNext(200, { accepted: 0, dropped: 2, reason: "bot" });
    await send(page, "bot_dropped", 2);
    expect(await queuedEvents(page)).to.deep.equal([]);
    await page.clock.runFor(600_000); // longer than the longest backoff
    await send(page, "probe");
    expect(posts().map((s) => [s.status, s.events?.map((e) => e.event_type).join()])).to.deep.equal([
      [200, "bot_dropped,bot_dropped"],
      [200, "probe"],
    ]);
    expect((await harness.stored()).filter((i) => i.event_type === "bot_dropped")).to.deep.equal([]);
    expect(problems).to.deep.equal([]);
  });
});
