/**
 * Privacy rules and the cross-origin path in headless Chromium (docs/tracker.md, docs/api.md): DNT, GPC, opt-out,
 * navigator.webdriver, data-auto="false", a preflighted JSON fetch, a refused origin, and no cookies anywhere.
 */
import { expect } from "chai";
import { eventually, harness, type OpenPage } from "./harness";
import "./hooks";
import { perTestPages } from "./support/per-test";

const QUIET_MS = 2600; // longer than the tracker's 2 s batch window

describe("tracker privacy and CORS in Chromium", function () {
  this.timeout(60_000);
  const pages = perTestPages();
  let open: OpenPage | undefined;
  const posts = () => pages.seen().filter((s) => s.method === "POST");
  const quiet = () => new Promise((r) => setTimeout(r, QUIET_MS));

  const trackAndFlush = (o: OpenPage) => o.page.evaluate(() => (window.liveinsight.track("probe", { k: "v" }), window.liveinsight.flush()));

  for (const [name, options] of [
    ["Do Not Track", { doNotTrack: true }],
    ["Global Privacy Control", { globalPrivacyControl: true }],
  ] as const) {
    it(`sends nothing under ${name}, yet defines window.liveinsight`, async () => {
      open = await pages.open({ path: "/private", ...options });
      expect(
        await open.page.evaluate(() => [
          navigator.doNotTrack,
          (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl ?? false,
        ]),
      ).to.deep.equal(name === "Do Not Track" ? ["1", false] : [null, true]);
      await trackAndFlush(open);
      await quiet();
      expect(posts()).to.deep.equal([]);
    });
  }

  it("sends nothing and throws nothing in a browser under automation (navigator.webdriver), whatever the site sets", async () => {
    // No --disable-blink-features=AutomationControlled here: Chromium driven as a bot is.
    open = await pages.open({ path: "/automated", automation: true, attributes: { "data-respect-dnt": "false", "data-heartbeat": "10" } });
    expect(await open.page.evaluate(() => navigator.webdriver)).to.equal(true);
    const thrown = await open.page.evaluate(async () => {
      try {
        window.liveinsight.pageview();
        window.liveinsight.track("probe", { k: "v" });
        history.pushState({}, "", "/automated/2");
        await window.liveinsight.flush();
        return "";
      } catch (e) {
        return String(e);
      }
    });
    expect(thrown).to.equal("");
    await quiet();
    expect(pages.seen().filter((s) => s.path.startsWith("/events"))).to.deep.equal([]);
    // Nothing kept either: no ids, no queue.
    expect(await open.page.evaluate(() => Object.keys(localStorage))).to.deep.equal([]);
  });

  it('sends under Do Not Track when the site sets data-respect-dnt="false"', async () => {
    open = await pages.open({ path: "/dnt-ignored", doNotTrack: true, attributes: { "data-respect-dnt": "false" } });
    await trackAndFlush(open);
    await eventually(() => posts().some((s) => s.events?.some((e) => e.event_type === "probe")), 5000, "the probe event");
  });

  it("keeps an opt-out across reloads and sends nothing tracked meanwhile, until optIn", async () => {
    open = await pages.open({ path: "/opt-out", attributes: { "data-auto": "false" } });
    await open.page.evaluate(() => window.liveinsight.optOut());
    await trackAndFlush(open);
    await open.page.reload();
    await trackAndFlush(open);
    await open.page.evaluate(() => window.liveinsight.pageview());
    await quiet();
    expect(posts()).to.deep.equal([]);
    await open.page.evaluate(() => (window.liveinsight.optIn(), window.liveinsight.track("after_opt_in"), window.liveinsight.flush()));
    await eventually(() => posts().some((s) => s.status === 200), 5000, "a POST after optIn");
    expect(
      posts()
        .flatMap((s) => s.events ?? [])
        .map((e) => e.event_type),
    ).to.deep.equal(["after_opt_in"]);
  });

  it('sends no automatic page view with data-auto="false", but pageview() still works', async () => {
    open = await pages.open({ path: "/manual", attributes: { "data-auto": "false" } });
    await quiet();
    await open.page.evaluate(() => history.pushState({}, "", "/manual/2"));
    await quiet();
    expect(posts()).to.deep.equal([]);
    await open.page.evaluate(() => (window.liveinsight.pageview(), window.liveinsight.flush()));
    expect(
      posts()
        .flatMap((s) => s.events ?? [])
        .map((e) => [e.event_type, new URL(e.page_url as string).pathname]),
    ).to.deep.equal([["page_view", "/manual/2"]]);
  });

  it("lets an allowed origin POST JSON cross-origin: the API answers the preflight, the function the POST", async () => {
    open = await pages.open({ path: "/json", attributes: { "data-auto": "false" } });
    const answer = await open.page.evaluate(async (api) => {
      const res = await fetch(`${api}/events`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ event_type: "json_signup", event_id: "json-1", timestamp: Date.now() }),
      });
      return { status: res.status, body: await res.json() };
    }, harness.apiBase);
    expect(answer.status).to.equal(200);
    expect(answer.body).to.deep.include({ message: "Event processed successfully", event_id: "json-1" });
    const seen = pages.seen().filter((s) => s.path === "/events");
    expect(seen.map((s) => [s.method, s.origin, s.status])).to.deep.equal([
      ["OPTIONS", harness.pageOrigin, undefined],
      ["POST", harness.pageOrigin, 200],
    ]);
    expect((await harness.stored()).filter((i) => i.event_id === "json-1")).to.have.length(1);
  });

  it("refuses a JSON POST from an origin CORS does not allow: preflight only, nothing stored", async () => {
    open = await pages.open({ path: "/refused-origin", refusedOrigin: true, attributes: { "data-auto": "false" } });
    const outcome = await open.page.evaluate(async (api) => {
      try {
        await fetch(`${api}/events`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ event_type: "refused_json", event_id: "refused-1" }),
        });
        return "sent";
      } catch (e) {
        return (e as Error).name;
      }
    }, harness.apiBase);
    expect(outcome).to.equal("TypeError");
    const seen = pages.seen().filter((s) => s.path === "/events");
    expect(seen.map((s) => [s.method, s.origin])).to.deep.equal([["OPTIONS", harness.refusedOrigin]]);
    expect((await harness.stored()).filter((i) => i.event_id === "refused-1")).to.deep.equal([]);
    expect(open.problems.every((p) => p.includes("CORS policy") || p.includes("net::ERR_FAILED"))).to.equal(true);
    open.problems.length = 0;
  });

  it("sets and sends no cookie on either origin", async () => {
    open = await pages.open({ path: "/cookies" });
    await open.page.evaluate(() => (window.liveinsight.track("cookie_probe"), window.liveinsight.flush()));
    expect(await open.context.cookies()).to.deep.equal([]);
    expect(await open.page.evaluate(() => document.cookie)).to.equal("");
    const script = await fetch(`${harness.apiBase}/tracker.js`);
    expect(script.headers.get("set-cookie")).to.equal(null);
    expect(pages.seen().filter((s) => s.cookie !== undefined)).to.deep.equal([]);
    expect(posts().some((s) => s.status === 200)).to.equal(true);
  });
});
