/** `npm start`, a few posts, `npm run local:query`: the events show within the batching window. */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { type LocalProcess, runRepoCommand, startLocalMode } from "../support/local-process";

describe("local mode archives what it stores (npm start + local:query)", function () {
  this.timeout(90_000);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "liveinsight-archive-"));
  let local: LocalProcess | undefined;
  const query = (sql: string, ...flags: string[]) => runRepoCommand("local/query.ts", [sql, ...flags], { LIVEINSIGHT_DATA_DIR: dataDir });

  after(async () => {
    await local?.stop("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("answers 0 before anything is archived, as a table", async () => {
    const out = await query("select count(*) as n from events");
    expect([out.code, out.stdout]).to.deep.equal([0, "n\n-\n0\n(1 row)\n"]);
  });

  it("shows posted events within one batching window, and the last ones on a clean stop", async () => {
    local = await startLocalMode(dataDir, { env: { LIVEINSIGHT_ARCHIVE_WINDOW_S: "0.5" } });
    const post = (id: string) =>
      fetch(local!.eventsUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ event_type: "page_view", event_id: id, page_url: "https://example.com/" }),
      });
    for (const id of ["arc-1", "arc-2", "arc-3"]) expect((await post(id)).status).to.equal(200);
    const deadline = Date.now() + 30_000;
    let last = "";
    while (Date.now() < deadline) {
      last = (await query("select event_id from events order by event_id", "--json")).stdout;
      if (last === '["arc-1"]\n["arc-2"]\n["arc-3"]\n') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(last).to.equal('["arc-1"]\n["arc-2"]\n["arc-3"]\n');
    expect((await post("arc-4")).status).to.equal(200);
    expect(await local.stop("SIGTERM")).to.equal(0);
    const after = await query("select count(*) as n from events where event_id like 'arc-%'", "--json");
    expect(after.stdout).to.equal('["4"]\n'); // BIGINT as text, exact
    expect(existsSync(path.join(dataDir, "archive-stream.json"))).to.equal(true);
  });

  it("after a kill -9 and a restart, every acknowledged event is queryable exactly once", async () => {
    local = await startLocalMode(dataDir, { env: { LIVEINSIGHT_ARCHIVE_WINDOW_S: "0.3" } });
    const acknowledged: string[] = [];
    const killAt = Date.now() + 1_500;
    for (let i = 0; Date.now() < killAt; i++) {
      const ids = [0, 1, 2].map((k) => `kill-${i}-${k}`);
      const res = await fetch(local.eventsUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ events: ids.map((event_id) => ({ event_type: "page_view", event_id, page_url: "https://example.com/k" })) }),
      });
      if (res.status === 200) acknowledged.push(...ids);
    }
    await local.stop("SIGKILL"); // mid-window, possibly mid-pass: the checkpoint has not moved past what was not archived
    local = await startLocalMode(dataDir, { env: { LIVEINSIGHT_ARCHIVE_WINDOW_S: "0.3" } });
    const sql = "select event_id, count(*) as n from events where event_id like 'kill-%' group by event_id order by event_id";
    const expected = [...acknowledged]
      .sort()
      .map((id) => JSON.stringify([id, "1"]))
      .join("\n");
    const deadline = Date.now() + 30_000;
    let rows = "";
    while (Date.now() < deadline) {
      rows = (await query(sql, "--json")).stdout.trim();
      if (rows === expected) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(acknowledged.length).to.be.greaterThan(0);
    expect(rows).to.equal(expected);
    expect(await local.stop("SIGTERM")).to.equal(0);
  });

  it("names the problem when DuckDB refuses the SQL, and refuses a missing statement", async () => {
    const bad = await query("select nope from events");
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.include("local:query: DuckDB refused the query: Binder Error");
    expect(bad.stderr).to.include('"nope" not found');
    const none = await runRepoCommand("local/query.ts", [], { LIVEINSIGHT_DATA_DIR: dataDir });
    expect([none.code, none.stderr.trim()]).to.deep.equal([
      2,
      'local:query: Pass one SQL statement in quotes, e.g. npm run local:query -- "select count(*) from events".',
    ]);
  });

  it("prints --help for local:query, local:compact and npm start (which mentions both)", async () => {
    const usage: Record<string, string> = {};
    for (const script of ["local/query.ts", "local/compact.ts", "local/start.ts"]) {
      const out = await runRepoCommand(script, ["--help"]);
      expect(out.code, script).to.equal(0);
      usage[script] = out.stdout;
    }
    expect(usage["local/query.ts"]).to.match(/^Usage: npm run local:query -- "<SQL>"/);
    expect(usage["local/compact.ts"]).to.match(/^Usage: npm run local:compact/);
    expect(usage["local/start.ts"]).to.include('npm run local:query -- "<SQL>"').and.include("npm run local:compact");
  });
});
