/**
 * Opt-in heartbeats in headless Chromium (docs/tracker.md: only while the tab is visible). Playwright's
 * fake clock runs the 10 s interval forward; the tab is hidden by overriding
 * `document.visibilityState` and dispatching `visibilitychange`, because headless Chromium keeps a
 * lone tab visible and a frozen lifecycle state would stop the timers instead of testing the check.
 */
import { expect } from "chai";
import type { Page } from "playwright-core";
import { eventually, harness } from "./harness";
import "./hooks";
import { perTestPages } from "./support/per-test";

const setVisibility = (page: Page, state: "visible" | "hidden") =>
  page.evaluate((s) => {
    Object.defineProperty(document, "visibilityState", { value: s, configurable: true });
    document.dispatchEvent(new Event("visibilitychange"));
  }, state);

describe("tracker heartbeats in Chromium", function () {
  this.timeout(60_000);
  const pages = perTestPages();
  const received = (type: string) =>
    pages
      .seen()
      .filter((s) => s.method === "POST" && s.status === 200)
      .flatMap((s) => s.events ?? [])
      .filter((e) => e.event_type === type);

  /** Sends a probe and waits until it and every earlier request were answered: nothing in flight. */
  async function settle(page: Page) {
    await page.evaluate(() => {
      window.liveinsight.track("probe");
      return window.liveinsight.flush();
    });
    await eventually(() => received("probe").length > 0 && pages.seen().every((s) => s.method !== "POST" || s.status), 5000, "the probe");
  }

  it("beats while visible, pauses while hidden, resumes when visible, and the session keeps its page", async () => {
    const { page, url } = await pages.open({ path: "/beat", attributes: { "data-heartbeat": "10" }, fakeClock: true });
    await page.clock.runFor(32_000);
    await eventually(() => received("heartbeat").length === 3 || undefined, 5000, "three heartbeats");
    await setVisibility(page, "hidden");
    await page.clock.runFor(60_000);
    await settle(page);
    expect(received("heartbeat"), "no heartbeat while hidden").to.have.length(3);
    await setVisibility(page, "visible");
    await page.clock.runFor(12_000);
    const beats = await eventually(() => received("heartbeat").length === 4 && received("heartbeat"), 5000, "the fourth heartbeat");
    const gaps = beats.slice(1).map((b, i) => (b.timestamp as number) - (beats[i].timestamp as number));
    expect(gaps[0]).to.be.within(10_000, 11_000);
    expect(gaps[1]).to.be.within(10_000, 11_000);
    expect(gaps[2], "the ticks while hidden sent nothing").to.be.at.least(60_000);
    expect(beats.map((b) => b.page_url)).to.deep.equal([undefined, undefined, undefined, undefined]);

    const [view] = received("page_view");
    expect(view.page_url).to.equal(url);
    expect(new Set(beats.map((b) => b.session_id))).to.deep.equal(new Set([view.session_id]));
    const stored = (await harness.stored()).filter((i) => i.session_id === view.session_id && i.event_type === "heartbeat");
    expect(stored.map((i) => i.event_id).sort()).to.deep.equal(beats.map((b) => b.event_id).sort());
    const { session, active } = await harness.session(view.session_id as string);
    expect(active?.current_page).to.equal(url);
    expect(active?.minute).to.equal(Math.floor((beats[3].timestamp as number) / 60_000));
    expect(session?.exit_page).to.equal(url);
    expect(session?.last_activity).to.equal(beats[3].timestamp);
  });

  it("sends no heartbeat when the attribute is under 10 s, absent, or the visitor opted out", async () => {
    for (const [attributes, optOut] of [
      [{ "data-heartbeat": "5" }, false],
      [{}, false],
      [{ "data-heartbeat": "10" }, true],
    ] as const) {
      const before = pages.seen().length;
      const { page, context } = await harness.open({ path: "/quiet", attributes, fakeClock: true });
      if (optOut) await page.evaluate(() => window.liveinsight.optOut());
      await page.clock.runFor(60_000);
      if (optOut) await page.evaluate(() => window.liveinsight.optIn());
      await settle(page);
      const beats = pages
        .seen()
        .slice(before)
        .flatMap((s) => s.events ?? [])
        .filter((e) => e.event_type === "heartbeat");
      expect(beats, JSON.stringify(attributes)).to.deep.equal([]);
      await context.close();
    }
  });
});
