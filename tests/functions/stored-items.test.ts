/**
 * The exact stored form of every item the collector writes (Events, pins, Sessions, and the
 * realtime counters in the ActiveSessions slot), read back raw with the plain client, and the event items as sent on the wire:
 * attribute types and values, numbers in plain decimal as validated (docs/api.md), so a change of
 * the marshalling layer cannot re-type or re-spell anything. One fixed scenario covers every write path: fast-path and merge updates,
 * the realtime moves (a new session, a late event that moves nothing, a rollover whose old minute is
 * past every window), an out-of-window pin and its retry, a late event, a rollover.
 */
import { type AttributeValue, type DynamoDBClient, paginateScan } from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import type { TableNames } from "../../contracts/tables";
import { handleCollect } from "../../functions/core/collect";
import { successorSessionId } from "../../functions/core/ids";
import { fixedClock, postEvents, testDeps } from "../support/collector";
import { startDynamo, type TestDynamo } from "../support/dynalite";
import { returnItemOnConditionFailure } from "../support/fault-injector";

type Item = Record<string, AttributeValue>;

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const MIN = 60_000;
const DAY = 86_400_000;
const S = (v: string): AttributeValue => ({ S: v });
const N = (v: number | string): AttributeValue => ({ N: String(v) });
const key = (ms: number, id: string) => S(`${String(ms).padStart(13, "0")}#${id}`);
const exp = (ms: number) => N(Math.floor(ms / 1000) + 30 * 86_400);
/** Epoch minute of NOW, and the 6-minute slot (counter item) of a minute (contracts/realtime.ts). */
const M = NOW / MIN;
const slot = (minute: number) => Math.floor(minute / 6);
/** A slot item is read until 30 minutes (+2 of margin) after its last minute; a user record until 33 minutes after its minute. */
const slotExp = (minute: number) => N((slot(minute) * 6 + 5 + 33) * 60);
const userExp = (minute: number) => N((minute + 33) * 60);
const PAGE = (p: string) => `https://shop.example.com/${p}`;
const IP = S("198.51.100.0/24");
const UA = S("test-agent/1.0");

// Written as JSON text so the literals reach the validator exactly as a browser sends them.
const FIRST = `{"events":[
  {"event_type":"page_view","event_id":"e1","session_id":"s1","user_id":"u1","timestamp":${NOW - 2 * MIN},
   "page_url":"${PAGE("a")}","referrer":"https://search.example/","element_id":"cta",
   "properties":{"big":1e21,"tiny":1e-7,"negzero":-0,"long":123456789012345678,"max":9.99e125,"neg":-1.5e-7,"price":19.99,"text":"","flag":true}},
  {"event_type":"heartbeat","event_id":"e2","session_id":"s1","user_id":"u1","timestamp":${NOW - MIN}},
  {"event_type":"click","event_id":"e3","session_id":"s2","user_id":"u2","timestamp":${NOW - 30 * DAY},"page_url":"${PAGE("b")}","user_agent":"custom/2.0"}
]}`;
const RETRY_AND_LATE = `{"events":[
  {"event_type":"click","event_id":"e3","session_id":"s2","user_id":"u2","timestamp":${NOW - 30 * DAY},"page_url":"${PAGE("b")}","user_agent":"custom/2.0"},
  {"event_type":"click","event_id":"e0","session_id":"s1","user_id":"u1","timestamp":${NOW - 3 * MIN},"page_url":"${PAGE("z")}"}
]}`;
const RESUMED = `{"event_type":"page_view","event_id":"e4","session_id":"s1","user_id":"u1","timestamp":${NOW + 45 * MIN},"page_url":"${PAGE("c")}"}`;

const SUCCESSOR = successorSessionId("s1", NOW - MIN);
/** Events and Sessions are keyed by the session within its site (docs/sites.md); the test deps' site is local. */
const KEY = (sessionId: string) => `local#${sessionId}`;

function event(sessionId: string, id: string, type: string, ms: number, receivedAt: number, extra: Item): Item {
  return {
    session_id: S(KEY(sessionId)),
    event_key: key(ms, id),
    site_id: S("local"),
    event_id: S(id),
    event_type: S(type),
    user_id: S(sessionId === "s2" ? "u2" : "u1"),
    timestamp: N(ms),
    received_at: N(receivedAt),
    expires_at: exp(ms),
    ip_prefix: IP,
    properties: { M: {} },
    ...extra,
  };
}

const EXPECTED_EVENTS: Item[] = [
  {
    session_id: S("#pin#local#s2"),
    event_key: key(NOW - 30 * DAY, "e3"),
    pinned_timestamp: N(NOW),
    expires_at: exp(NOW),
  },
  event("s1", "e0", "click", NOW - 3 * MIN, NOW + MIN, { page_url: S(PAGE("z")), user_agent: UA }),
  event("s1", "e1", "page_view", NOW - 2 * MIN, NOW, {
    page_url: S(PAGE("a")),
    referrer: S("https://search.example/"),
    user_agent: UA,
    properties: {
      M: {
        big: N("1000000000000000000000"),
        tiny: N("0.0000001"),
        negzero: N("0"),
        long: N("123456789012345680"),
        max: N(`999${"0".repeat(123)}`),
        neg: N("-0.00000015"),
        price: N("19.99"),
        text: S(""),
        flag: { BOOL: true },
        element_id: S("cta"),
      },
    },
  }),
  event("s1", "e2", "heartbeat", NOW - MIN, NOW, { user_agent: UA }),
  // The retry rewrote the event (received_at of the retry) under its pinned first server time.
  event("s2", "e3", "click", NOW, NOW + MIN, {
    event_key: key(NOW - 30 * DAY, "e3"),
    client_timestamp: N(NOW - 30 * DAY),
    page_url: S(PAGE("b")),
    user_agent: S("custom/2.0"),
  }),
  event(SUCCESSOR, "e4", "page_view", NOW + 45 * MIN, NOW + 45 * MIN, { user_id: S("u1"), page_url: S(PAGE("c")), user_agent: UA }),
];

const EXPECTED_SESSIONS: Item[] = [
  {
    session_id: S(KEY("s1")),
    site_id: S("local"),
    user_id: S("u1"),
    start_time: N(NOW - 3 * MIN),
    last_activity: N(NOW - MIN),
    duration_ms: N(2 * MIN),
    expires_at: exp(NOW - MIN),
    entry_page: S(PAGE("z")),
    entry_key: key(NOW - 3 * MIN, "e0"),
    exit_page: S(PAGE("a")),
    exit_key: key(NOW - 2 * MIN, "e1"),
    referrer: S("https://search.example/"),
    user_agent: UA,
    ip_prefix: IP,
    total_events: N(3),
    page_views: N(1),
    successor: S(KEY(SUCCESSOR)),
    boundary: N(NOW - MIN + 30 * MIN + 1),
    // s1 is its chain's head: the write that closed it recorded the successor as the chain's tail
    tail_id: S(KEY(SUCCESSOR)),
    tail_from: N(NOW - MIN + 30 * MIN + 1),
    // counted at its last activity's minute and exit page; the late e0 and the close moved neither
    rt_minute: N(M - 1),
    rt_page: S(PAGE("a")),
  },
  {
    session_id: S(KEY("s2")),
    site_id: S("local"),
    user_id: S("u2"),
    start_time: N(NOW),
    last_activity: N(NOW),
    duration_ms: N(0),
    expires_at: exp(NOW),
    entry_page: S(PAGE("b")),
    entry_key: key(NOW, "e3"),
    exit_page: S(PAGE("b")),
    exit_key: key(NOW, "e3"),
    user_agent: S("custom/2.0"),
    ip_prefix: IP,
    total_events: N(2), // a retried event counts twice (docs/sessions.md)
    page_views: N(0),
    rt_minute: N(M),
    rt_page: S(PAGE("b")),
  },
  {
    session_id: S(KEY(SUCCESSOR)),
    site_id: S("local"),
    user_id: S("u1"),
    start_time: N(NOW + 45 * MIN),
    last_activity: N(NOW + 45 * MIN),
    duration_ms: N(0),
    expires_at: exp(NOW + 45 * MIN),
    entry_page: S(PAGE("c")),
    entry_key: key(NOW + 45 * MIN, "e4"),
    exit_page: S(PAGE("c")),
    exit_key: key(NOW + 45 * MIN, "e4"),
    user_agent: UA,
    ip_prefix: IP,
    total_events: N(1),
    page_views: N(1),
    rt_minute: N(M + 45),
    rt_page: S(PAGE("c")),
  },
];

const EXPECTED_ACTIVE: Item[] = [
  // Per minute offset o of the slot: s<o> sessions, u<o> users, p<o>:<url> current pages
  // (docs/architecture.md). Every move's token attribute is gone once it committed.
  {
    counter_key: S(`local#${slot(M - 1)}`),
    s5: N(1),
    u5: N(1), // u1 at M − 1: its move to M + 45 left the old minute alone, past every window by then
    [`p5:${PAGE("a")}`]: N(1),
    expires_at: slotExp(M - 1),
  },
  { counter_key: S(`local#${slot(M)}`), s0: N(1), u0: N(1), [`p0:${PAGE("b")}`]: N(1), expires_at: slotExp(M) },
  { counter_key: S(`local#${slot(M + 45)}`), s3: N(1), u3: N(1), [`p3:${PAGE("c")}`]: N(1), expires_at: slotExp(M + 45) },
  { counter_key: S("local#user#u1"), rt_minute: N(M + 45), expires_at: userExp(M + 45) },
  { counter_key: S("local#user#u2"), rt_minute: N(M), expires_at: userExp(M) },
];

const order = (i: Item) => `${i.session_id?.S ?? i.counter_key?.S}|${i.event_key?.S ?? ""}`;
const byKey = (a: Item, b: Item) => (order(a) < order(b) ? -1 : 1);

async function rawItems(client: DynamoDBClient, table: string): Promise<Item[]> {
  const items: Item[] = [];
  for await (const page of paginateScan({ client }, { TableName: table })) items.push(...(page.Items ?? []));
  return items.sort(byKey);
}

type WireInput = { RequestItems?: Record<string, { PutRequest?: { Item: Item } }[]> };

/** Every call's input as DynamoDB receives it (after serialization): dynalite re-spells numbers it stores, so the wire is checked too. */
function wireInputs(client: DynamoDBClient): WireInput[] {
  const inputs: WireInput[] = [];
  client.middlewareStack.add(
    (next) => async (args) => {
      inputs.push(args.input as WireInput);
      return next(args);
    },
    { step: "build", name: "wireInputs" },
  );
  return inputs;
}

function numbersIn(value: unknown, found: string[] = []): string[] {
  if (value && typeof value === "object")
    for (const [k, v] of Object.entries(value)) {
      if (k === "N" && typeof v === "string") found.push(v);
      else numbersIn(v, found);
    }
  return found;
}

async function runScenario(client: DynamoDBClient, tables: TableNames) {
  const deps = testDeps(client, tables);
  for (const [body, at] of [
    [FIRST, NOW],
    [RETRY_AND_LATE, NOW + MIN],
    [RESUMED, NOW + 45 * MIN],
  ] as const) {
    const out = await handleCollect({ ...postEvents({}), body }, deps, fixedClock(at));
    expect(out.result.statusCode, out.result.body).to.equal(200);
  }
}

describe("stored items: exact attribute types and values", () => {
  let dynamo: TestDynamo;
  let tables: TableNames;

  before(async () => (dynamo = await startDynamo()));
  after(async () => dynamo.close());
  beforeEach(async () => (tables = await dynamo.freshTables()));

  async function expectStored() {
    const reader = dynamo.client();
    expect(await rawItems(reader, tables.events)).to.deep.equal(EXPECTED_EVENTS);
    expect(await rawItems(reader, tables.sessions)).to.deep.equal(EXPECTED_SESSIONS);
    expect(await rawItems(reader, tables.activeSessions)).to.deep.equal(EXPECTED_ACTIVE);
  }

  it("writes every item as expected on dynalite (failed conditions answered by a consistent read)", async () => {
    const client = dynamo.client();
    const sent = wireInputs(client);
    await runScenario(client, tables);
    await expectStored();
    const written = new Map<string, Item>(); // the last write of each event
    for (const input of sent) {
      const requests = input.RequestItems?.[tables.events];
      if (Array.isArray(requests)) for (const r of requests) written.set(order(r.PutRequest!.Item), r.PutRequest!.Item); // not BatchGetItem's keys
    }
    expect([...written.values()].sort(byKey)).to.deep.equal(EXPECTED_EVENTS.filter((e) => e.session_id.S !== "#pin#local#s2"));
    expect(numbersIn(sent).filter((n) => !/^-?\d+(\.\d+)?$/.test(n))).to.deep.equal([]);
  });

  it("writes the same items when the failed condition returns the stored item, as on AWS", async () => {
    const aws = dynamo.client();
    const shim = returnItemOnConditionFailure(aws, dynamo.client());
    await runScenario(aws, tables);
    // The late event and the rollover each met a failed condition that carried the item (the pin's
    // retry reads its pin before proposing one).
    expect(shim.attached).to.equal(3);
    await expectStored();
  });
});
