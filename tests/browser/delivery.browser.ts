/**
 * The tracker's delivery in headless Chromium against local mode, page on another origin
 * (docs/tracker.md): what the API received and what the Events table holds, not what the page logged.
 */
import { expect } from "chai";
import { DESKTOP_CHROME_UA, eventually, harness, type OpenPage, queuedEvents, SHOP_SITE } from "./harness";
import "./hooks";
import { perTestPages } from "./support/per-test";

describe("tracker delivery in Chromium", function () {
  this.timeout(60_000);
  const pages = perTestPages();
  let open: OpenPage | undefined;
  const received = () =>
    pages
      .seen()
      .filter((s) => s.method === "POST")
      .flatMap((s) => (s.status === 200 ? (s.events ?? []) : []));
  const ofType = (type: string) => received().filter((e) => e.event_type === type);

  it("sends a page view on load without any call, within 5 s, with ids and no preflight", async () => {
    open = await pages.open({ path: "/load" });
    const [view] = await eventually(() => ofType("page_view").length > 0 && ofType("page_view"), 5000, "the load page view");
    expect(view.page_url).to.equal(open.url);
    expect(view.event_id).to.match(/^e_[0-9a-f]{16}$/);
    expect(view.user_id).to.match(/^u_[0-9a-f]{16}$/);
    expect(view.session_id).to.match(/^s_\d{13}_[0-9a-f]{16}$/);
    expect(view.timestamp).to.be.a("number");
    const posts = pages.seen().filter((s) => s.path === "/events");
    expect(posts.map((s) => [s.method, s.contentType, s.origin])).to.deep.equal([["POST", "text/plain;charset=UTF-8", harness.pageOrigin]]);
    // The harness's browser passes for a visitor's: a desktop Chrome User-Agent, not under automation.
    expect(posts.map((s) => s.userAgent)).to.deep.equal([DESKTOP_CHROME_UA]);
    expect(await open.page.evaluate(() => navigator.webdriver)).to.equal(false);
    expect(view).not.to.have.property("site_id");
    const stored = await harness.stored();
    expect(stored.filter((i) => i.event_id === view.event_id)).to.have.length(1);
  });

  it("sends data-site as the site_id of every event, queued and retried ones included", async () => {
    open = await pages.open({ path: "/site", attributes: { "data-site": SHOP_SITE, "data-auto": "false" } });
    harness.failNext(503);
    await open.page.evaluate(() => {
      window.liveinsight.pageview();
      window.liveinsight.track("add_to_cart", { sku: "A-1" });
      return window.liveinsight.flush();
    });
    await eventually(() => ofType("add_to_cart").length > 0, 8000, "the retried event");
    await open.page.evaluate(() => (window.liveinsight.track("signup"), window.liveinsight.flush()));
    const sent = pages
      .seen()
      .filter((s) => s.method === "POST")
      .flatMap((s) => (s.events ?? []).map((e) => [s.status, e.event_type, e.site_id]));
    expect(sent).to.deep.equal([
      [503, "page_view", SHOP_SITE],
      [503, "add_to_cart", SHOP_SITE],
      [200, "page_view", SHOP_SITE],
      [200, "add_to_cart", SHOP_SITE],
      [200, "signup", SHOP_SITE],
    ]);
    open.problems.splice(0, open.problems.length, ...open.problems.filter((p) => !/status of 503/.test(p)));
  });

  it("sends to the origin the script came from when data-api is left out", async () => {
    open = await pages.open({ path: "/no-data-api", attributes: { "data-api": "" } });
    expect(await open.page.evaluate(() => document.querySelector("script")!.hasAttribute("data-api"))).to.equal(false);
    await open.page.evaluate(() => window.liveinsight.flush());
    const [view] = await eventually(() => ofType("page_view").length > 0 && ofType("page_view"), 5000, "the page view");
    expect(view.page_url).to.equal(open.url);
  });

  it("sends a page view on pushState and on back, in the same session", async () => {
    open = await pages.open({ path: "/spa" });
    await open.page.evaluate(() => history.pushState({}, "", "/spa/step-2"));
    await open.page.evaluate(() => history.back());
    await eventually(() => open!.page.url() === open!.url, 5000, "back navigation");
    await open.page.evaluate(() => window.liveinsight.flush());
    const views = await eventually(() => ofType("page_view").length >= 3 && ofType("page_view"), 5000, "three page views");
    expect(views.map((v) => new URL(v.page_url as string).pathname)).to.deep.equal(["/spa", "/spa/step-2", "/spa"]);
    expect(new Set(views.map((v) => v.session_id)).size).to.equal(1);
  });

  it("stores custom events with their properties, and drops a bad call alone without throwing", async () => {
    open = await pages.open({ path: "/custom", attributes: { "data-auto": "false" } });
    const thrown = await open.page.evaluate(async () => {
      try {
        window.liveinsight.track("add_to_cart", { sku: "A-1", qty: 2, gift: true });
        window.liveinsight.track("Bad Type");
        window.liveinsight.track("click", { nested: { no: 1 } });
        window.liveinsight.track(undefined);
        window.liveinsight.track("signup", { plan: "pro" });
        await window.liveinsight.flush();
        return "";
      } catch (e) {
        return String(e);
      }
    });
    expect(thrown).to.equal("");
    expect(received().map((e) => e.event_type)).to.deep.equal(["add_to_cart", "signup"]);
    const stored = (await harness.stored()).filter((i) => i.event_type === "add_to_cart" && i.page_url === open!.url);
    expect(stored).to.have.length(1);
    expect(stored[0].properties).to.deep.equal({ sku: "A-1", qty: 2, gift: true });
  });

  it("drops a call with a lone surrogate in its type, a property key or a value alone; the rest of its batch is stored", async () => {
    // The server refuses a whole request for one lone surrogate (it has no UTF-8 form)...
    const refused = await fetch(`${harness.apiBase}/events`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ events: [{ event_type: "fine" }, { event_type: "click", properties: { v: "\uD800" } }] }),
    });
    expect(refused.status).to.equal(400);
    // ...so the tracker drops such a call before it joins a batch.
    open = await pages.open({ path: "/surrogates", attributes: { "data-auto": "false", "data-debug": "" } });
    const thrown = await open.page.evaluate(async () => {
      try {
        window.liveinsight.track("before", { ok: "yes" });
        window.liveinsight.track("lone_in_type\uD800");
        window.liveinsight.track("lone_high", { v: "a\uD800" });
        window.liveinsight.track("lone_low_key", { "\uDC00k": 1 });
        window.liveinsight.track("reversed_pair", { v: "\uDC00\uD83D" });
        window.liveinsight.track("split_pair", { "k\uD83D": "\uDE00" });
        window.liveinsight.track("after", { pair: "a\uD83D\uDE00b", "\uD83D\uDE00": true });
        await window.liveinsight.flush();
        return "";
      } catch (e) {
        return String(e);
      }
    });
    expect(thrown).to.equal("");
    // data-debug says why each call was dropped, and nothing else reached the console.
    expect(open.problems).to.deep.equal([
      "console.warning: [liveinsight] bad type lone_in_type\uD800",
      "console.warning: [liveinsight] bad value v (lone surrogate)",
      "console.warning: [liveinsight] bad value \uDC00k (lone surrogate)",
      "console.warning: [liveinsight] bad value v (lone surrogate)",
      "console.warning: [liveinsight] bad value k\uD83D (lone surrogate)",
    ]);
    open.problems.length = 0;
    const posts = pages.seen().filter((s) => s.method === "POST" && s.origin === harness.pageOrigin);
    expect(posts.map((s) => [s.status, s.events?.map((e) => e.event_type)])).to.deep.equal([[200, ["before", "after"]]]);
    const stored = (await harness.stored()).filter((i) => i.page_url === open!.url);
    expect(stored.map((i) => [i.event_type, i.properties]).sort()).to.deep.equal([
      ["after", { pair: "a\u{1F600}b", "\u{1F600}": true }],
      ["before", { ok: "yes" }],
    ]);
  });

  it("counts a restore from the back/forward cache as a page view, in the same session", async () => {
    open = await pages.open({ path: "/cached", bfcache: true });
    await open.page.evaluate(() => {
      addEventListener("pageshow", (e) => document.body.setAttribute("data-restored", String(e.persisted)));
      return window.liveinsight.flush();
    });
    await open.page.goto(`${harness.pageOrigin}/elsewhere?attrs=${encodeURIComponent('{"data-auto":"false"}')}`);
    await open.page.goBack({ waitUntil: "commit" });
    // The page's own state survived: it was restored, not loaded again.
    await eventually(async () => (await open!.page.getAttribute("body", "data-restored")) === "true", 5000, "a bfcache restore");
    await open.page.evaluate(() => window.liveinsight.flush());
    const views = await eventually(() => ofType("page_view").length >= 2 && ofType("page_view"), 5000, "two page views");
    expect(views.map((v) => v.page_url)).to.deep.equal([open.url, open.url]);
    expect(new Set(views.map((v) => v.session_id)).size).to.equal(1);
    expect(new Set(views.map((v) => v.event_id)).size).to.equal(2);
  });

  it("delivers events tracked just before leaving the page by beacon, without a flush", async () => {
    open = await pages.open({ path: "/leave", attributes: { "data-auto": "false" } });
    await open.page.evaluate(() => window.liveinsight.track("outbound_click", { to: "other" }));
    await open.page.goto(`${harness.pageOrigin}/elsewhere?attrs=${encodeURIComponent('{"data-auto":"false"}')}`);
    const [event] = await eventually(() => ofType("outbound_click").length > 0 && ofType("outbound_click"), 5000, "the beacon");
    expect(event.properties).to.deep.equal({ to: "other" });
    expect(
      pages
        .seen()
        .filter((s) => s.status === 200 && s.events?.some((e) => e.event_type === "outbound_click"))
        .map((s) => s.contentType),
    ).to.deep.equal(["text/plain;charset=UTF-8"]);
  });

  it("queues events while offline and delivers them exactly once after a reload", async () => {
    open = await pages.open({ path: "/offline", attributes: { "data-auto": "false" } });
    await open.context.setOffline(true);
    await open.page.evaluate(async () => {
      for (let i = 0; i < 3; i++) window.liveinsight.track("offline_event", { n: i });
      await window.liveinsight.flush();
    });
    expect(await queuedEvents(open.page)).to.have.length(3);
    expect(ofType("offline_event")).to.deep.equal([]);
    await open.context.setOffline(false);
    await open.page.reload();
    await eventually(() => ofType("offline_event").length >= 3, 8000, "the queued events");
    await eventually(async () => (await queuedEvents(open!.page)).length === 0, 5000, "an empty queue");
    await open.page.evaluate(() => window.liveinsight.flush());
    const ids = ofType("offline_event").map((e) => e.event_id);
    expect(ids).to.have.length(3);
    expect(new Set(ids).size).to.equal(3);
    const stored = (await harness.stored()).filter((i) => i.event_type === "offline_event");
    expect(stored.map((i) => (i.properties as { n: number }).n).sort()).to.deep.equal([0, 1, 2]);
    // Offline, the failed attempts were answered by the network stack: the API saw no request for them.
    expect(open.problems.filter((p) => !p.includes("ERR_INTERNET_DISCONNECTED"))).to.deep.equal([]);
    open.problems.length = 0;
  });

  it("retries a 503 and drops a 400 for good, even across a reload", async () => {
    open = await pages.open({ path: "/refused", attributes: { "data-auto": "false" } });
    harness.failNext(503);
    await open.page.evaluate(() => (window.liveinsight.track("retried_event"), window.liveinsight.flush()));
    await eventually(() => ofType("retried_event").length === 1, 8000, "the retried event");
    harness.failNext(400);
    await open.page.evaluate(() => (window.liveinsight.track("refused_event"), window.liveinsight.flush()));
    expect(await queuedEvents(open.page)).to.deep.equal([]);
    await open.page.reload();
    await open.page.evaluate(() => (window.liveinsight.track("after_reload"), window.liveinsight.flush()));
    await new Promise((r) => setTimeout(r, 1500)); // longer than the first retry backoff
    const attempts = pages.seen().filter((s) => s.events?.some((e) => e.event_type === "refused_event"));
    expect(attempts.map((s) => s.status)).to.deep.equal([400]);
    expect(ofType("refused_event")).to.deep.equal([]);
    expect(ofType("after_reload")).to.have.length(1);
    const retried = pages.seen().filter((s) => s.events?.some((e) => e.event_type === "retried_event"));
    expect(retried.map((s) => s.status)).to.deep.equal([503, 200]);
    expect(new Set(retried.map((s) => s.events![0].event_id)).size).to.equal(1);
    // Chromium reports a failed fetch's status on the console itself; the tracker logged nothing.
    expect(open.problems.filter((p) => !/status of (400|503)/.test(p))).to.deep.equal([]);
    open.problems.length = 0;
  });

  it("adopts the session id the server resolved when it rolled an idle session over", async () => {
    const idle = `s_idle_${Date.now()}`;
    const seed = await fetch(`${harness.apiBase}/events`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ event_type: "page_view", session_id: idle, event_id: `${idle}-0`, timestamp: Date.now() - 40 * 60_000 }),
    });
    expect(seed.status).to.equal(200);
    // The browser believes the session is live (its own clock says so); the server knows it idled 40 minutes.
    const initScript = `if (location.protocol === "http:" && !localStorage.getItem("li_sid")) localStorage.setItem("li_sid", "${idle} " + Date.now());`;
    open = await pages.open({ path: "/adopt", attributes: { "data-auto": "false" }, initScript });
    await open.page.evaluate(() => (window.liveinsight.track("first"), window.liveinsight.flush()));
    await open.page.evaluate(() => (window.liveinsight.track("second"), window.liveinsight.flush()));
    const [first] = ofType("first");
    const [second] = ofType("second");
    expect(first.session_id).to.equal(idle);
    expect(second.session_id).to.be.a("string").and.not.equal(idle);
    const stored = (await harness.stored()).filter((i) => i.event_type === "first" || i.event_type === "second");
    expect(stored.map((i) => i.session_id)).to.deep.equal([second.session_id, second.session_id]);
  });

  it("keeps working in memory when the page may not use localStorage", async () => {
    const initScript = 'Object.defineProperty(window, "localStorage", { get() { throw new DOMException("blocked", "SecurityError"); } });';
    open = await pages.open({ path: "/no-storage", initScript });
    await open.page.evaluate(() => (window.liveinsight.track("stored_nowhere"), window.liveinsight.flush()));
    const types = received().map((e) => e.event_type);
    expect(types).to.include.members(["page_view", "stored_nowhere"]);
  });

  it('keeps nothing in browser storage with data-storage="none" and makes new ids per load', async () => {
    open = await pages.open({ path: "/memory", attributes: { "data-storage": "none" } });
    await open.page.evaluate(() => window.liveinsight.flush());
    await open.page.reload();
    await open.page.evaluate(() => window.liveinsight.flush());
    const views = await eventually(() => ofType("page_view").length >= 2 && ofType("page_view"), 5000, "two page views");
    expect(views[0].user_id).not.to.equal(views[1].user_id);
    expect(views[0].session_id).not.to.equal(views[1].session_id);
    expect(await open.page.evaluate(() => [localStorage.length, sessionStorage.length, document.cookie])).to.deep.equal([0, 0, ""]);
  });
});
