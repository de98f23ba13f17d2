/**
 * The dashboard in Chromium against the local stats route (the handler local mode runs: DuckDB over
 * an archive of generated traffic for two sites, with redeliveries): the figures and tables on the
 * page equal the API's answers for the selected site, choosing the other site by keyboard shows its
 * numbers and live count, a wrong key gets a clear message, the live count refreshes, nothing is
 * requested from another origin, and screenshots at 360 px and 1,440 px are written to
 * `out/browser/` (or $TEST_OUTPUT_DIR). Every read of the page waits for the state it checks first.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import type http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { type Browser, chromium, type Page } from "playwright-core";
import { dashboardPage } from "../../components/dashboard-asset";
import { REALTIME_REFRESH_MS } from "../../contracts/stats";
import { siteTable } from "../../functions/core/admission";
import { statsHandler } from "../../functions/stats/handler";
import { createLocalApi, type LambdaHandler } from "../../local/server";
import { duckdbStatsEngine } from "../../local/stats-engine";
import { archiveTraffic, generateTraffic } from "../stats/traffic";
import { CHROMIUM } from "./harness";

const KEY = "dashboard-test-key-0123456789abcdefghijklmnop";
const OUT = path.resolve(process.env.TEST_OUTPUT_DIR ?? "out/browser");
const DAY = 86_400_000;
const unused: LambdaHandler = async () => ({ statusCode: 404, body: "" });

describe("stats dashboard in Chromium", function () {
  this.timeout(90_000);
  let dir: string;
  let server: http.Server;
  let base: string;
  let browser: Browser;
  // generateTraffic's two sites; site-b is the default, so "implied" and "first listed" differ.
  const sites = siteTable(
    ["site-a", "site-b"].map((id) => ({ id, hosts: [`${id}.example`], allowServer: false })),
    "site-b",
  );
  const live: Record<string, number> = { "site-a": 7, "site-b": 3 };
  const engine = { close: () => undefined } as ReturnType<typeof duckdbStatsEngine>;
  const range = { site: "site-a", from: "", to: "" };

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "stats-dashboard-"));
    const today = Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
    range.from = new Date(today - 6 * DAY).toISOString().slice(0, 10);
    range.to = new Date(today).toISOString().slice(0, 10);
    const events = generateTraffic(20261208, 120, today - 6 * DAY, 7);
    await archiveTraffic(dir, events, events.slice(0, 40));
    Object.assign(engine, duckdbStatsEngine(dir));
    const stats = statsHandler(
      "local",
      {
        engine,
        key: async () => KEY,
        rules: () => ({ retentionDays: 90, sites, now: Date.now() }),
        readRealtime: async (site) => ({
          site,
          active_sessions: live[site],
          active_users: live[site],
          top_pages: [],
          generated_at: new Date().toISOString(),
        }),
        page: dashboardPage(),
      },
      () => undefined,
    );
    server = createLocalApi({ collector: unused, realtime: unused, stats, timeoutMs: 10_000, corsOrigins: ["*"] });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"] });
    mkdirSync(OUT, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const api = async (params: Record<string, string>) => {
    const response = await fetch(`${base}/stats?${new URLSearchParams({ ...range, ...params })}`, {
      headers: { authorization: `Bearer ${KEY}` },
    });
    expect(response.status).to.equal(200);
    return response.json();
  };

  /** Waits until the page has finished loading `site`, then checks every number on it against the API's answers for it. */
  async function expectShowsSite(page: Page, site: string) {
    await page.waitForSelector(`body[data-state=ready][data-site="${site}"]`);
    const aggregate = await api({ site, view: "aggregate" });
    for (const metric of ["pageviews", "visitors", "sessions", "bounce_rate", "mean_session_duration_ms"])
      expect(await page.locator(`[data-metric="${metric}"]`).getAttribute("data-value"), `${site} ${metric}`).to.equal(
        String(aggregate[metric]),
      );
    const series = await api({ site, view: "timeseries", interval: "day" });
    expect(await page.locator("#plot").getAttribute("data-pageviews")).to.equal(
      series.buckets.map((b: { pageviews: number }) => b.pageviews).join(","),
    );
    expect(await page.locator("#plot canvas").count()).to.equal(1);
    for (const [table, by] of [
      ["top-pages", "page"],
      ["top-referrers", "referrer"],
    ]) {
      const rows = (await api({ site, view: "breakdown", by, limit: "10" })).rows.map(
        (r: { value: string | null; pageviews: number; visitors: number }) => [r.value ?? "", String(r.pageviews), String(r.visitors)],
      );
      const shown = await page
        .locator(`#${table} tbody tr`)
        .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.dataset.value)));
      expect(shown, `${site} ${table}`).to.deep.equal(rows);
    }
    return aggregate;
  }

  async function open(width: number, query: Record<string, string> = { ...range, interval: "day" }) {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    const foreign: string[] = [];
    page.on("request", (r) => {
      if (!r.url().startsWith(base)) foreign.push(r.url());
    });
    await page.goto(`${base}/dashboard?${new URLSearchParams(query)}`);
    return { context, page, foreign };
  }

  it("shows a clear message for a wrong key and keeps the dashboard closed", async () => {
    const { context, page } = await open(1440);
    await page.getByRole("textbox", { name: "Stats key" }).fill("not-the-key");
    await page.keyboard.press("Enter");
    // The message is written when the 401 arrives; read it once it is there, not before.
    await page.waitForFunction(() => document.getElementById("key-error")?.textContent !== "");
    expect(await page.getByRole("alert").textContent()).to.equal(
      "That key was not accepted (401). Use the key npm start prints, or the one in Secrets Manager.",
    );
    expect(await page.locator("#filters").count()).to.equal(0);
    expect(await page.evaluate(() => sessionStorage.length)).to.equal(0);
    await context.close();
  });

  for (const width of [360, 1440]) {
    it(`shows the API's numbers at ${width} px, by keyboard, and writes a screenshot`, async () => {
      const { context, page, foreign } = await open(width);
      await page.getByRole("textbox", { name: "Stats key" }).fill(KEY);
      await page.keyboard.press("Enter");
      // ?site=site-a from the URL wins over the default site-b.
      await expectShowsSite(page, "site-a");
      expect(await page.locator("#site").inputValue()).to.equal("site-a");
      // Keyboard: the controls are reachable by Tab in order (a date input's day, month and year are
      // each a Tab stop of the one control in Chromium), and Enter on "Show" reloads.
      await page.locator("#site").focus();
      const order: string[] = [];
      for (let i = 0; i < 12 && order.at(-1) !== "Show"; i++) {
        const at = await page.evaluate(
          () => (document.activeElement as HTMLElement).id || (document.activeElement as HTMLElement).textContent || "",
        );
        if (order.at(-1) !== at) order.push(at);
        await page.keyboard.press("Tab");
      }
      expect(order).to.deep.equal(["site", "from", "to", "interval", "Show"]);
      // Nothing wider than the viewport at this width.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(width);
      await page.screenshot({ path: path.join(OUT, `stats-dashboard-${width}.png`), fullPage: true });
      expect(foreign).to.deep.equal([]);
      await context.close();
    });
  }

  it("keeps the key for the tab (a reload asks for nothing) and refreshes the live count every few seconds", async () => {
    const { context, page } = await open(1440);
    await page.getByRole("textbox", { name: "Stats key" }).fill(KEY);
    await page.keyboard.press("Enter");
    await page.waitForSelector("#live[data-site=site-a]");
    expect(await page.locator("#live").getAttribute("data-value")).to.equal("7");
    live["site-a"] = 9;
    await page.waitForFunction(() => document.getElementById("live")?.dataset.value === "9", undefined, {
      timeout: REALTIME_REFRESH_MS * 3,
    });
    await page.reload();
    await page.waitForSelector("body[data-state=ready]");
    expect(await page.locator("#key").count()).to.equal(0);
    await context.close();
  });

  it("lists the stack's sites, preselects the default, and shows the other site's numbers and live count when chosen by keyboard", async () => {
    const { context, page, foreign } = await open(1440, { from: range.from, to: range.to, interval: "day" });
    await page.getByRole("textbox", { name: "Stats key" }).fill(KEY);
    await page.keyboard.press("Enter");
    const picker = page.getByRole("combobox", { name: "Site" });
    await picker.waitFor();
    expect(await picker.locator("option").evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).to.deep.equal([
      "site-a",
      "site-b",
    ]);
    const b = await expectShowsSite(page, "site-b");
    expect(await picker.inputValue()).to.equal("site-b");
    await page.waitForSelector("#live[data-site=site-b]");
    expect(await page.locator("#live").getAttribute("data-value")).to.equal(String(live["site-b"]));

    await picker.focus();
    await page.keyboard.press("ArrowUp");
    const a = await expectShowsSite(page, "site-a");
    await page.waitForSelector("#live[data-site=site-a]");
    expect(await page.locator("#live").getAttribute("data-value")).to.equal(String(live["site-a"]));
    expect(new URL(page.url()).searchParams.get("site")).to.equal("site-a");
    // The two sites' traffic differs, so equal figures would not show that the page switched.
    expect(a.pageviews).not.to.equal(b.pageviews);

    await page.keyboard.press("ArrowDown");
    await expectShowsSite(page, "site-b");
    await page.waitForSelector("#live[data-site=site-b]");
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal("site");
    expect(foreign).to.deep.equal([]);
    await context.close();
  });

  it("falls back to the default site, saying so, when ?site= names a site the stack does not have", async () => {
    const { context, page } = await open(1440, { site: "site-zz", from: range.from, to: range.to, interval: "day" });
    await page.getByRole("textbox", { name: "Stats key" }).fill(KEY);
    await page.keyboard.press("Enter");
    await expectShowsSite(page, "site-b");
    await page.waitForFunction(() => document.getElementById("site-note")?.textContent !== "");
    expect(await page.getByRole("status").textContent()).to.equal('"site-zz" is not a site of this stack; showing site-b.');
    await context.close();
  });
});
