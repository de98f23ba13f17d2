/**
 * Local mode end to end over real HTTP: the same routes, status codes, CORS and persistence a
 * user of `npm start` relies on (docs/local-mode.md, docs/api.md).
 */

import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import { trackerAsset } from "../../components/tracker-asset";
import { localClient } from "../../local/store-access";
import { type LocalProcess, startLocalMode, storedEventIdCounts } from "../support/local-process";

const ORIGIN = "https://shop.example.com";
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = (res: Response): Promise<any> => res.json();

describe("local mode over HTTP", function () {
  this.timeout(60_000);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "liveinsight-local-"));
  const children: LocalProcess[] = [];
  let local: LocalProcess;
  const now = Date.now();

  const post = (body: string, contentType = "application/json", headers: Record<string, string> = {}) =>
    fetch(local.eventsUrl, { method: "POST", headers: { "content-type": contentType, ...headers }, body });
  const event = (id: string, session: string, page = "https://example.com/a") => ({
    event_type: "page_view",
    event_id: id,
    session_id: session,
    timestamp: now,
    page_url: page,
  });

  before(async () => {
    local = await startLocalMode(dataDir);
    children.push(local);
  });

  after(async () => {
    await Promise.all(children.map((c) => c.stop("SIGKILL")));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("stores a single event and answers 200 with its ids", async () => {
    const res = await post(JSON.stringify(event("evt-single", "sess-a")));
    expect(res.status).to.equal(200);
    expect(await json(res)).to.deep.equal({ message: "Event processed successfully", event_id: "evt-single", session_id: "sess-a" });
  });

  it("stores a batch and answers 200 with every id", async () => {
    const res = await post(
      JSON.stringify({ events: [event("evt-b1", "sess-b", "https://example.com/b"), event("evt-b2", "sess-c", "https://example.com/b")] }),
    );
    expect(res.status).to.equal(200);
    expect(await json(res)).to.deep.equal({
      message: "Events processed successfully",
      accepted: 2,
      event_ids: ["evt-b1", "evt-b2"],
      session_ids: ["sess-b", "sess-c"],
    });
  });

  it("parses a text/plain beacon body as JSON", async () => {
    const res = await post(JSON.stringify(event("evt-beacon", "sess-a")), "text/plain;charset=UTF-8");
    expect(res.status).to.equal(200);
    expect((await json(res)).event_id).to.equal("evt-beacon");
  });

  it("answers an invalid event with 400 and the problem", async () => {
    const res = await post(JSON.stringify({ page_url: "https://example.com/" }));
    expect(res.status).to.equal(400);
    const body = await json(res);
    expect(body.error).to.equal("ValidationError");
    expect(body.details).to.deep.equal([{ index: 0, field: "event_type", problem: "is required" }]);
  });

  it("answers a 300 KB body with 413", async () => {
    const res = await post(JSON.stringify({ event_type: "page_view", pad: "x".repeat(300 * 1024) }));
    expect(res.status).to.equal(413);
    expect((await json(res)).error).to.equal("PayloadTooLarge");
  });

  it("answers GET /events with 405 and an Allow header", async () => {
    const res = await fetch(local.eventsUrl);
    expect(res.status).to.equal(405);
    expect(res.headers.get("allow")).to.equal("POST, OPTIONS");
    expect((await json(res)).error).to.equal("MethodNotAllowed");
  });

  it("answers an unknown path with API Gateway's 404 body", async () => {
    const res = await fetch(`${local.apiUrl}/nope`);
    expect(res.status).to.equal(404);
    expect(await json(res)).to.deep.equal({ message: "Not Found" });
  });

  it("answers a CORS preflight with 204 and the edge's CORS settings", async () => {
    const res = await fetch(local.eventsUrl, {
      method: "OPTIONS",
      headers: { origin: ORIGIN, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
    });
    expect(res.status).to.equal(204);
    expect(res.headers.get("access-control-allow-origin")).to.equal("*");
    expect(res.headers.get("access-control-allow-methods")).to.equal("GET,POST");
    expect(res.headers.get("access-control-allow-headers")).to.equal("content-type");
    expect(res.headers.get("access-control-max-age")).to.equal("7200");
  });

  it("serves the built tracker at /tracker.js, long-cached, with a 304 for its ETag", async () => {
    // The ready line names the script's URL, as the stack output trackerUrl does on AWS.
    expect(local.trackerUrl).to.equal(`${local.apiUrl}/tracker.js`);
    const res = await fetch(local.trackerUrl, { headers: { "accept-encoding": "identity" } });
    expect(res.status).to.equal(200);
    expect(res.headers.get("content-type")).to.equal("application/javascript; charset=utf-8");
    expect(res.headers.get("cache-control")).to.equal("public, max-age=86400");
    expect(await res.text()).to.equal(trackerAsset().script);
    const etag = res.headers.get("etag")!;
    expect(etag).to.equal(trackerAsset().etag);
    const again = await fetch(local.trackerUrl, { headers: { "if-none-match": etag } });
    expect(again.status).to.equal(304);
  });

  it("puts the CORS header on a POST from a browser origin", async () => {
    // A browser's User-Agent: with an Origin, Node's own ("node") is judged a bot and dropped (docs/sites.md).
    const browser = {
      origin: ORIGIN,
      "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    };
    const res = await post(JSON.stringify(event("evt-cors", "sess-a")), "application/json", browser);
    expect(res.status).to.equal(200);
    expect(res.headers.get("access-control-allow-origin")).to.equal("*");
    expect((await json(res)).event_id).to.equal("evt-cors");
  });

  it("counts active sessions, users and top pages on GET /realtime", async () => {
    const res = await fetch(local.realtimeUrl);
    expect(res.status).to.equal(200);
    const body = await json(res);
    expect(body.active_sessions).to.equal(3); // sess-a, sess-b, sess-c
    expect(body.active_users).to.equal(2); // no user_id sent: one is minted per request, so the batch's two sessions share one
    expect(body.top_pages).to.deep.equal([
      { page_url: "https://example.com/b", sessions: 2 },
      { page_url: "https://example.com/a", sessions: 1 },
    ]);
  });

  it("keeps events in the hot tier for the stack's documented 7 days (Pulumi.yaml hotRetentionDays)", async () => {
    const client = localClient(local.dynamodbEndpoint);
    const out = await client.send(
      new ScanCommand({
        TableName: "LiveInsight-local-Events",
        FilterExpression: "event_id = :id",
        ExpressionAttributeValues: { ":id": { S: "evt-single" } },
      }),
    );
    client.destroy();
    expect(Number(out.Items?.[0]?.expires_at?.N) - Math.floor(now / 1000)).to.equal(7 * 86_400);
  });

  it("logs one short line per request and none of the functions' JSON lines", () => {
    const lines = local.stdout().trim().split("\n");
    expect(lines.some((line) => /^\d\d:\d\d:\d\d POST \/events 200 \d+ ms$/.test(line))).to.equal(true);
    expect(lines.some((line) => /^\d\d:\d\d:\d\d GET \/nope 404 \d+ ms$/.test(line))).to.equal(true);
    expect(lines.filter((line) => line.startsWith("{"))).to.deep.equal([]);
  });

  it("keeps every stored event across a clean SIGTERM restart", async () => {
    expect(await local.stop("SIGTERM")).to.equal(0);
    local = await startLocalMode(dataDir);
    children.push(local);
    const stored = await storedEventIdCounts(local.dynamodbEndpoint);
    expect([...stored].sort()).to.deep.equal([
      ["evt-b1", 1],
      ["evt-b2", 1],
      ["evt-beacon", 1],
      ["evt-cors", 1],
      ["evt-single", 1],
    ]);
  });

  it("shows the functions' JSON request lines with --json-logs, and nothing with --quiet", async () => {
    const [jsonLogs, quiet] = await Promise.all([
      startLocalMode(path.join(dataDir, "json"), { args: ["--json-logs"] }),
      startLocalMode(path.join(dataDir, "quiet"), { args: ["--quiet"] }),
    ]);
    children.push(jsonLogs, quiet);
    for (const instance of [jsonLogs, quiet]) await (await fetch(instance.realtimeUrl)).arrayBuffer();
    expect(await jsonLogs.stop("SIGTERM")).to.equal(0);
    expect(await quiet.stop("SIGTERM")).to.equal(0);
    // The request line, and the archive's compaction line from the start (docs/archive.md).
    const lines = jsonLogs
      .stdout()
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.message).sort()).to.deep.equal(["compaction finished", "request completed"]);
    const line = lines.find((l) => l.message === "request completed");
    expect([line.message, line.service, line.environment, line.status]).to.deep.equal(["request completed", "realtime", "local", 200]);
    expect(quiet.stdout()).to.equal("");
  });
});
