/** `npm start` → the ready line's dashboard URL and key; a few posts → GET /stats shows exactly them. */
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
    local = await startLocalMode(dataDir, { env: { LIVEINSIGHT_ARCHIVE_WINDOW_S: "0.5" } });
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
});
