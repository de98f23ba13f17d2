/**
 * `npm start` → the ready line's dashboard URL and key; a few posts → GET /stats shows exactly them;
 * with a second site (LIVEINSIGHT_SITES), /stats/realtime and /stats answer each site for itself.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { type LocalProcess, startLocalMode } from "../support/local-process";

describe("local mode serves /stats and /dashboard with the key it prints", function () {
  this.timeout(90_000);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "liveinsight-stats-"));
  let local: LocalProcess | undefined;

  after(async () => {
    await local?.stop("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("prints the dashboard URL and a key kept in the data directory (0600), and answers posted events within the window", async () => {
    local = await startLocalMode(dataDir, {
      env: { LIVEINSIGHT_ARCHIVE_WINDOW_S: "0.5", LIVEINSIGHT_SITES: JSON.stringify([{ id: "blog", hosts: ["*"], allowServer: true }]) },
    });
    const keyFile = path.join(dataDir, "stats-key");
    expect(local.statsKey).to.equal(readFileSync(keyFile, "utf8").trim());
    expect(local.statsKey).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(keyFile).mode & 0o777).to.equal(0o600);
    expect(local.dashboardUrl).to.equal(`${local.apiUrl}/dashboard`);
    expect(local.stderr()).to.include(`dashboard: ${local.dashboardUrl}   stats key: ${local.statsKey}`);

    const now = Date.now();
    const events = [
      {
        event_type: "page_view",
        event_id: "s-1",
        session_id: "sa",
        user_id: "ua",
        timestamp: now - 2000,
        page_url: "https://example.com/",
        referrer: "https://news.example/x",
      },
      {
        event_type: "page_view",
        event_id: "s-2",
        session_id: "sa",
        user_id: "ua",
        timestamp: now - 1000,
        page_url: "https://example.com/b",
      },
      { event_type: "click", event_id: "s-3", session_id: "sb", user_id: "ub", timestamp: now - 500 },
    ];
    const posted = await fetch(local.eventsUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ events }),
    });
    expect(posted.status).to.equal(200);
    const day = new Date(now).toISOString().slice(0, 10);
    const url = `${local.statsUrl}?site=local&from=${day}&to=${day}`;
    const auth = { authorization: `Bearer ${local.statsKey}` };
    let body: Record<string, unknown> = {};
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 250))) {
      body = (await (await fetch(url, { headers: auth })).json()) as Record<string, unknown>;
      if (body.pageviews === 2 && body.sessions === 2) break;
    }
    expect(body).to.deep.include({
      pageviews: 2,
      visitors: 2,
      sessions: 2,
      bounced_sessions: 0,
      bounce_rate: 0,
      mean_session_duration_ms: 500,
    });
    const referrers = (await (await fetch(`${url}&view=breakdown&by=referrer`, { headers: auth })).json()) as { rows: unknown[] };
    expect(referrers.rows).to.deep.equal([
      // Equal page views: more events first.
      { value: null, pageviews: 1, visitors: 2, events: 2 },
      { value: "news.example", pageviews: 1, visitors: 1, events: 1 },
    ]);

    const wrong = await fetch(url, { headers: { authorization: "Bearer nope", origin: "https://evil.example" } });
    expect(wrong.status).to.equal(401);
    expect(wrong.headers.get("access-control-allow-origin")).to.equal(null);
    const page = await fetch(local.dashboardUrl, { headers: auth });
    expect([page.status, page.headers.get("content-type")]).to.deep.equal([200, "text/html; charset=utf-8"]);
    expect(local.stdout()).not.to.include(local.statsKey);
  });

  it("answers /stats/realtime and /stats for the site named (else the default local), and 400 UnknownSite for another", async () => {
    const auth = { authorization: `Bearer ${local!.statsKey}` };
    const now = Date.now();
    const blog = [
      {
        site_id: "blog",
        event_type: "page_view",
        event_id: "b-1",
        session_id: "sc",
        user_id: "uc",
        timestamp: now - 300,
        page_url: "https://blog.example/p",
      },
      { site_id: "blog", event_type: "click", event_id: "b-2", session_id: "sc", user_id: "uc", timestamp: now - 200 },
    ];
    const posted = await fetch(local!.eventsUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ events: blog }),
    });
    expect(posted.status).to.equal(200);
    const live = async (query: string) => {
      const res = await fetch(`${local!.apiUrl}/stats/realtime${query}`, { headers: auth });
      return [res.status, await res.json()] as [number, Record<string, unknown>];
    };
    const [blogStatus, blogLive] = await live("?site=blog");
    expect(blogStatus).to.equal(200);
    expect(blogLive).to.deep.include({
      site: "blog",
      active_sessions: 1,
      active_users: 1,
      top_pages: [{ page_url: "https://blog.example/p", sessions: 1 }],
    });
    // The first test's two sessions (sa, sb) are the default site's, and only they.
    for (const query of ["", "?site=local"]) {
      const [status, body] = await live(query);
      expect([status, body.site, body.active_sessions, body.active_users]).to.deep.equal([200, "local", 2, 2]);
    }
    const [unknownStatus, unknown] = await live("?site=shop");
    expect([unknownStatus, unknown.error, unknown.details]).to.deep.equal([
      400,
      "UnknownSite",
      [{ field: "site", problem: '"shop" is not a site of this stack (known: local, blog)' }],
    ]);

    const day = new Date(now).toISOString().slice(0, 10);
    let body: Record<string, unknown> = {};
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 250))) {
      body = (await (await fetch(`${local!.statsUrl}?site=blog&from=${day}&to=${day}`, { headers: auth })).json()) as Record<
        string,
        unknown
      >;
      if (body.sessions === 1) break;
    }
    expect(body).to.deep.include({
      site: "blog",
      pageviews: 1,
      visitors: 1,
      sessions: 1,
      bounced_sessions: 1,
      mean_session_duration_ms: 100,
    });
    const localDay = (await (await fetch(`${local!.statsUrl}?from=${day}&to=${day}`, { headers: auth })).json()) as Record<string, unknown>;
    expect(localDay).to.deep.include({ site: "local", pageviews: 2, sessions: 2 });

    const page = await (await fetch(local!.dashboardUrl, { headers: auth })).text();
    expect(page).to.include(`<script type="application/json" id="stack-sites">{"ids":["local","blog"],"implied":"local"}</script>`);
  });
});
