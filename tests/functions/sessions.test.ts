/**
 * One named test per way real browser delivery broke the promise of a 200 (issue "Sessions and
 * dedup that hold under real browser delivery"), plus the mechanism's own guarantees.
 */
import { UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import type { TableNames } from "../../contracts/tables";
import { handleCollect } from "../../functions/core/collect";
import { successorSessionId } from "../../functions/core/ids";
import { LIMITS } from "../../functions/core/validate";
import {
  collect,
  fixedClock,
  getSession,
  placementCalls,
  postEvents,
  realtimeAt,
  scanAll,
  storedEvents,
  testDeps,
} from "../support/collector";
import { startDynamo, type TestDynamo } from "../support/dynalite";
import { returnItemOnConditionFailure } from "../support/fault-injector";

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const MIN = 60_000;
const DAY = 86_400_000;
const exp = (ms: number) => Math.floor(ms / 1000) + 30 * 86400;

describe("sessions and dedup under real browser delivery", () => {
  let dynamo: TestDynamo;
  let tables: TableNames;
  const reader = () => dynamo.client();
  const isEmpty = async () => {
    for (const table of Object.values(tables)) expect(await scanAll(reader(), table)).to.deep.equal([]);
  };

  before(async () => (dynamo = await startDynamo()));
  after(async () => dynamo.close());
  beforeEach(async () => (tables = await dynamo.freshTables()));

  it("stores an event retried with a timestamp outside the window once, at its first server time", async () => {
    const deps = testDeps(dynamo.client(), tables);
    const body = { event_type: "click", event_id: "queued", session_id: "s", timestamp: NOW - 9 * DAY };
    const answers = [];
    for (const at of [NOW, NOW + 1000, NOW + 2 * 60 * MIN]) answers.push((await collect(deps, body, at)).json.session_id);
    expect(answers).to.deep.equal(["s", "s", "s"]);
    const events = await storedEvents(reader(), tables.events);
    expect(events.map((e) => [e.session_id, e.event_key, e.timestamp, e.client_timestamp])).to.deep.equal([
      ["local#s", `${NOW - 9 * DAY}#queued`, NOW, NOW - 9 * DAY],
    ]);
    expect(await getSession(reader(), tables.sessions, "s")).to.include({ start_time: NOW, last_activity: NOW, duration_ms: 0 });
  });

  it("continues four concurrent requests after a 30-minute idle gap in one successor session", async () => {
    const deps = testDeps(dynamo.client(), tables);
    await collect(
      deps,
      { event_type: "page_view", event_id: "first", session_id: "s", timestamp: NOW - 45 * MIN, page_url: "https://e.com/a" },
      NOW,
    );
    const tabs = await Promise.all(
      [0, 1, 2, 3].map((i) =>
        collect(
          deps,
          { event_type: "page_view", event_id: `tab${i}`, session_id: "s", timestamp: NOW - 10 * MIN + i, page_url: `https://e.com/t${i}` },
          NOW,
        ),
      ),
    );
    const successor = successorSessionId("s", NOW - 45 * MIN);
    expect(tabs.map((t) => [t.result.statusCode, t.json.session_id])).to.deep.equal(Array(4).fill([200, successor]));
    expect((await scanAll(reader(), tables.sessions)).map((s) => [s.session_id, s.total_events, s.successor])).to.deep.equal(
      [
        // Stored under the site-scoped key; the stored successor names the successor's key.
        ["local#s", 1, `local#${successor}`],
        [`local#${successor}`, 4, undefined],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    expect(await getSession(reader(), tables.sessions, successor)).to.include({
      start_time: NOW - 10 * MIN,
      last_activity: NOW - 10 * MIN + 3,
      entry_page: "https://e.com/t0",
      exit_page: "https://e.com/t3",
    });
  });

  it("stores a rolled-over request retried after a delayed beacon extended the old session once, answering the same session", async () => {
    const deps = testDeps(dynamo.client(), tables);
    await collect(deps, { event_type: "page_view", event_id: "a", session_id: "s", timestamp: NOW - 60 * MIN }, NOW);
    const resumed = { event_type: "page_view", event_id: "c", session_id: "s", timestamp: NOW - 20 * MIN };
    const first = await collect(deps, resumed, NOW);
    const beacon = await collect(deps, { event_type: "heartbeat", event_id: "b", session_id: "s", timestamp: NOW - 45 * MIN }, NOW);
    const retry = await collect(deps, resumed, NOW + 1000);
    const successor = successorSessionId("s", NOW - 60 * MIN);
    expect([first.json.session_id, beacon.json.session_id, retry.json.session_id]).to.deep.equal([successor, "s", successor]);
    expect((await storedEvents(reader(), tables.events)).map((e) => [e.session_id, e.event_id])).to.deep.equal([
      ["local#s", "a"],
      ["local#s", "b"],
      [`local#${successor}`, "c"],
    ]);
    expect(await getSession(reader(), tables.sessions, "s")).to.include({
      start_time: NOW - 60 * MIN,
      last_activity: NOW - 45 * MIN,
      duration_ms: 15 * MIN,
      successor: `local#${successor}`,
    });
  });

  it("keeps start_time, duration, entry page and expiry right when a newer request is processed before an older one", async () => {
    const deps = testDeps(dynamo.client(), tables);
    await collect(
      deps,
      {
        events: [
          { event_type: "page_view", event_id: "n1", session_id: "s", timestamp: NOW - 10 * MIN, page_url: "https://e.com/2" },
          { event_type: "page_view", event_id: "n2", session_id: "s", timestamp: NOW - 5 * MIN, page_url: "https://e.com/3" },
        ],
      },
      NOW,
    );
    await collect(
      deps,
      {
        events: [
          { event_type: "heartbeat", event_id: "o1", session_id: "s", timestamp: NOW - 25 * MIN },
          { event_type: "page_view", event_id: "o2", session_id: "s", timestamp: NOW - 20 * MIN, page_url: "https://e.com/1" },
        ],
      },
      NOW,
    );
    expect(await getSession(reader(), tables.sessions, "s")).to.include({
      start_time: NOW - 25 * MIN,
      last_activity: NOW - 5 * MIN,
      duration_ms: 20 * MIN,
      entry_page: "https://e.com/1",
      exit_page: "https://e.com/3",
      expires_at: exp(NOW - 5 * MIN),
      total_events: 4,
      page_views: 3,
    });
    const events = await storedEvents(reader(), tables.events);
    expect(Math.max(...events.map((e) => e.expires_at as number))).to.equal(exp(NOW - 5 * MIN));
  });

  it("keeps the counted page when a heartbeat without page_url arrives, and never moves the counters backwards", async () => {
    const deps = testDeps(dynamo.client(), tables);
    await collect(
      deps,
      { event_type: "page_view", session_id: "s", user_id: "u", timestamp: NOW - 3 * MIN, page_url: "https://e.com/pricing" },
      NOW,
    );
    await collect(deps, { event_type: "heartbeat", session_id: "s", user_id: "u", timestamp: NOW - 2 * MIN }, NOW);
    await collect(
      deps,
      { event_type: "page_view", session_id: "s", user_id: "u", timestamp: NOW - 4 * MIN, page_url: "https://e.com/older" },
      NOW,
    );
    expect(await getSession(reader(), tables.sessions, "s")).to.include({
      last_activity: NOW - 2 * MIN,
      exit_page: "https://e.com/pricing",
      rt_minute: Math.floor((NOW - 2 * MIN) / MIN),
      rt_page: "https://e.com/pricing",
    });
    const live = await realtimeAt(reader(), tables, NOW);
    expect([live.active_sessions, live.top_pages]).to.deep.equal([1, [{ page_url: "https://e.com/pricing", sessions: 1 }]]);
  });

  it("refuses two events with the same event_id and timestamp in one batch, in different chunks, with 400 naming both indexes", async () => {
    const events = Array.from({ length: 40 }, (_, i) => ({
      event_type: "click",
      event_id: `e${i}`,
      session_id: "s",
      timestamp: NOW - 1000 + i,
    }));
    events[31] = { ...events[2] };
    const out = await collect(testDeps(dynamo.client(), tables), { events }, NOW);
    expect(out.result.statusCode).to.equal(400);
    expect(out.json).to.deep.equal({
      error: "ValidationError",
      message: "Invalid event, nothing was stored: event 31: event_id repeats event 2 (same event_id and timestamp); send each event once.",
      details: [{ index: 31, field: "event_id", problem: "repeats event 2 (same event_id and timestamp); send each event once" }],
    });
    expect(out.rejected).to.equal(40);
    await isEmpty();
  });

  it("refuses numbers DynamoDB cannot store (1e126, 5e-324, a folded price 1e300) with 400 before any write", async () => {
    const body = `{"events":[{"event_type":"click","session_id":"s","properties":{"big":1e126}},{"event_type":"click","session_id":"s","properties":{"tiny":5e-324}},{"event_type":"add_to_cart","session_id":"s","price":1e300}]}`;
    const deps = testDeps(dynamo.client(), tables);
    const request = { ...postEvents({}), body };
    const out = await handleCollect(request, deps, fixedClock(NOW));
    const range = "is outside the range DynamoDB stores (0, or a magnitude from 1e-130 to 9.99…e125)";
    expect(out.result.statusCode).to.equal(400);
    expect(JSON.parse(out.result.body).details).to.deep.equal([
      { index: 0, field: "properties.big", problem: range },
      { index: 1, field: "properties.tiny", problem: range },
      { index: 2, field: "price", problem: range },
    ]);
    await isEmpty();
  });

  it("refuses a timestamp past 9999999999999 (10000000000000, 2^53-1) with 400 naming it, before any write", async () => {
    const deps = testDeps(dynamo.client(), tables);
    const ok = { event_type: "click", event_id: "ok", session_id: "s", timestamp: NOW };
    const body = {
      events: [ok, { ...ok, event_id: "a", timestamp: 10_000_000_000_000 }, { ...ok, event_id: "b", timestamp: 2 ** 53 - 1 }],
    };
    const out = await collect(deps, body, NOW);
    const problem = `must be an integer epoch time in milliseconds in [0, ${LIMITS.timestampMax}]`;
    expect([out.result.statusCode, out.json.details]).to.deep.equal([
      400,
      [
        { index: 1, field: "timestamp", problem },
        { index: 2, field: "timestamp", problem },
      ],
    ]);
    await isEmpty();
  });

  it("stores timestamp 9999999999999 under a 13-digit event_key, at server time, keeping the client value", async () => {
    const body = { event_type: "click", event_id: "far", session_id: "s", timestamp: 9_999_999_999_999 };
    expect((await collect(testDeps(dynamo.client(), tables), body, NOW)).result.statusCode).to.equal(200);
    const events = await storedEvents(reader(), tables.events);
    expect(events.map((e) => [e.event_key, e.timestamp, e.client_timestamp])).to.deep.equal([
      ["9999999999999#far", NOW, 9_999_999_999_999],
    ]);
  });

  it("stores the edges of DynamoDB's number range exactly, as numbers", async () => {
    const body = `{"event_type":"click","event_id":"n","session_id":"s","timestamp":${NOW},"properties":{"max":9.99e125,"min":1e-130,"neg":-1.5e-7,"big":1e21,"zero":0}}`;
    const out = await handleCollect({ ...postEvents({}), body }, testDeps(dynamo.client(), tables), fixedClock(NOW));
    expect(out.result.statusCode).to.equal(200);
    const [event] = await storedEvents(reader(), tables.events);
    expect(event.properties).to.deep.equal({ max: 9.99e125, min: 1e-130, neg: -1.5e-7, big: 1e21, zero: 0 });
  });

  it("dynalite ignores ReturnValuesOnConditionCheckFailure: the exception carries no item (so the collector reads it)", async () => {
    const client = dynamo.client();
    await client.send(
      new UpdateItemCommand({
        TableName: tables.sessions,
        Key: { session_id: { S: "s" } },
        UpdateExpression: "SET last_activity = :n",
        ExpressionAttributeValues: { ":n": { N: "1" } },
      }),
    );
    const error = await client
      .send(
        new UpdateItemCommand({
          TableName: tables.sessions,
          Key: { session_id: { S: "s" } },
          UpdateExpression: "SET last_activity = :n",
          ConditionExpression: "attribute_not_exists(session_id)",
          ExpressionAttributeValues: { ":n": { N: "2" } },
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        }),
      )
      .catch((e) => e);
    expect(error.name).to.equal("ConditionalCheckFailedException");
    expect(error.Item).to.equal(undefined);
  });

  it("reads a failed row with one consistent GetItem on dynalite, and none when the exception carries it as on AWS", async () => {
    const body = { event_type: "click", event_id: "late", session_id: "s", timestamp: NOW - 30 * MIN };
    const seed = { event_type: "click", event_id: "early", session_id: "s", timestamp: NOW - 10 * MIN };
    const local = dynamo.client();
    const localStats = placementCalls(local, tables);
    await collect(testDeps(local, tables), seed, NOW);
    await collect(testDeps(local, tables), body, NOW);
    // seed: session update; late event: fast path fails, the row is read, the merge applies (the
    // counters' moves are not counted here); each request reads its chain's future marker once
    expect(localStats).to.deep.equal({
      BatchGetItemCommand: 2,
      UpdateItemCommand: 3,
      GetItemCommand: 1,
      BatchWriteItemCommand: 2,
    });
    tables = await dynamo.freshTables();
    const aws = dynamo.client();
    const awsStats = placementCalls(aws, tables);
    const shim = returnItemOnConditionFailure(aws, dynamo.client());
    await collect(testDeps(aws, tables), seed, NOW);
    await collect(testDeps(aws, tables), body, NOW);
    expect([awsStats, shim.attached]).to.deep.equal([{ BatchGetItemCommand: 2, UpdateItemCommand: 3, BatchWriteItemCommand: 2 }, 1]);
    expect(await getSession(reader(), tables.sessions, "s")).to.include({
      start_time: NOW - 30 * MIN,
      last_activity: NOW - 10 * MIN,
      total_events: 2,
    });
  });
});
