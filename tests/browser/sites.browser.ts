/**
 * Sites and bots in headless Chromium against the real collector (docs/sites.md): a page of a
 * site's host delivers under its site; a page on a host the site does not list gets nothing
 * stored and nothing thrown into it; a headless browser's events are answered as dropped bots and
 * the tracker takes that as delivered (not queued, not retried).
 */
import { expect } from "chai";
import type { Page } from "playwright-core";
import { eventually, harness, OTHER_SITE, queuedEvents, SHOP_SITE } from "./harness";
import "./hooks";
import { perTestPages } from "./support/per-test";

const HEADLESS_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/140.0.0.0 Safari/537.36";

/** Tracks `count` events of `type`, flushes, and reports anything thrown into the page. */
const trackAndFlush = (page: Page, type: string, count = 1) =>
  page.evaluate(
    async ([t, n]) => {
      try {
        for (let i = 0; i < n; i++) window.liveinsight.track(t, { n: i });
        await window.liveinsight.flush();
        return "";
      } catch (e) {
        return String(e);
      }
    },
    [type, count] as const,
  );

describe("sites and bots in Chromium", function () {
  this.timeout(60_000);
  const pages = perTestPages();
  const posts = () => pages.seen().filter((s) => s.method === "POST" && s.path.startsWith("/events"));
  const storedOf = async (type: string) => (await harness.stored()).filter((i) => i.event_type === type);

  it("delivers a page of the site's host under its site: events and the session carry site_id, and the site's counters count it", async () => {
    const { page } = await pages.open({ path: "/site-page", attributes: { "data-site": SHOP_SITE, "data-auto": "false" } });
    expect(await trackAndFlush(page, "site_probe")).to.equal("");
    await eventually(async () => (await storedOf("site_probe")).length === 1, 5000, "the stored event");
    const [stored] = await storedOf("site_probe");
    expect(stored!.site_id).to.equal(SHOP_SITE);
    expect(posts().map((s) => s.status)).to.deep.equal([200]);
    const { session, active } = await harness.session(stored!.session_id as string, SHOP_SITE);
    expect([session?.site_id, active?.minute]).to.deep.equal([SHOP_SITE, Math.floor((stored!.timestamp as number) / 60_000)]);
  });

  it("stores nothing and throws nothing for a page on a host the site does not list (CORS refuses the origin too)", async () => {
    const open = await pages.open({
      path: "/foreign-host",
      refusedOrigin: true,
      attributes: { "data-site": SHOP_SITE, "data-auto": "false" },
    });
    expect(await trackAndFlush(open.page, "foreign_probe", 2)).to.equal("");
    await eventually(() => posts().length >= 1, 5000, "the tracker's POST");
    // A text/plain POST is a CORS simple request: it reaches the collector, which refuses it.
    expect(posts().map((s) => [s.origin, s.status])).to.deep.equal([[harness.refusedOrigin, 403]]);
    expect(await storedOf("foreign_probe")).to.deep.equal([]);
    // Only Chromium's own CORS report reaches the console; no error is thrown into the page.
    expect(open.problems.filter((p) => p.startsWith("pageerror"))).to.deep.equal([]);
    expect(open.problems.every((p) => p.includes("CORS policy") || p.includes("net::ERR_FAILED"))).to.equal(true);
    open.problems.length = 0;
  });

  it("drops, without retrying, the events of a page CORS allows but the site does not list (403 is read)", async () => {
    const { page, problems } = await pages.open({
      path: "/other-site",
      attributes: { "data-site": OTHER_SITE, "data-auto": "false" },
      fakeClock: true,
    });
    await page.clock.pauseAt(Date.now() + 60_000);
    expect(await trackAndFlush(page, "other_probe")).to.equal("");
    expect(await queuedEvents(page)).to.deep.equal([]);
    await page.clock.runFor(600_000); // longer than the longest backoff
    expect(posts().map((s) => s.status)).to.deep.equal([403]);
    expect(await storedOf("other_probe")).to.deep.equal([]);
    // Chromium reports the 403 on the console itself; the tracker logs nothing outside debug mode.
    expect(problems.filter((p) => !/status of 403/.test(p))).to.deep.equal([]);
    problems.length = 0;
  });

  it("answers a headless browser's events as dropped bots, which the tracker takes as delivered: not queued, not retried", async () => {
    const { page, problems } = await pages.open({
      path: "/headless",
      userAgent: HEADLESS_UA,
      attributes: { "data-site": SHOP_SITE, "data-auto": "false" },
      fakeClock: true,
    });
    await page.clock.pauseAt(Date.now() + 60_000);
    expect(await page.evaluate(() => [navigator.userAgent.includes("HeadlessChrome"), navigator.webdriver])).to.deep.equal([true, false]);
    expect(await trackAndFlush(page, "headless_probe", 3)).to.equal("");
    expect(await queuedEvents(page)).to.deep.equal([]);
    await page.clock.runFor(600_000);
    expect(posts().map((s) => [s.userAgent, s.status, s.events?.length])).to.deep.equal([[HEADLESS_UA, 200, 3]]);
    expect(await storedOf("headless_probe")).to.deep.equal([]);
    expect(problems).to.deep.equal([]);
  });
});
