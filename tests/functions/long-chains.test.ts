/**
 * Long session chains (issue 17 §6): a chain of many sessions is placed with O(1) writes per
 * session the request touches, through the head's tail pointer, and a 503 only ever means
 * storage failed (docs/sessions.md, "Long chains").
 */
import { expect } from "chai";
import type { TableNames } from "../../contracts/tables";
import { sessionIdOfKey, successorSessionId } from "../../functions/core/ids";
import { collect, getSession, placementCalls, scanAll, storedEvents, testDeps } from "../support/collector";
import { startDynamo, type TestDynamo } from "../support/dynalite";
import { injectFaults } from "../support/fault-injector";

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const MIN = 60_000;

/** The chain from `head`, following successors: every session id in order. */
/** The chain from `head`, as the bare session ids the client sees (rows are keyed `local#<id>`, docs/sites.md). */
async function chainOf(dynamo: TestDynamo, tables: TableNames, head: string): Promise<string[]> {
  const rows = new Map((await scanAll(dynamo.client(), tables.sessions)).map((r) => [r.session_id as string, r]));
  const ids: string[] = [];
  for (
    let key: string | undefined = `local#${head}`;
    key !== undefined && rows.has(key);
    key = rows.get(key)?.successor as string | undefined
  )
    ids.push(sessionIdOfKey(key));
  return ids;
}

describe("long session chains: O(1) writes per session, never a 503 on healthy storage", () => {
  let dynamo: TestDynamo;
  let tables: TableNames;
  before(async () => (dynamo = await startDynamo()));
  after(async () => dynamo.close());
  beforeEach(async () => (tables = await dynamo.freshTables()));

  const visits = (n: number, gapMs: number, first: number) =>
    Array.from({ length: n }, (_, i) => ({
      event_type: "page_view",
      event_id: `e${i}`,
      session_id: "s",
      timestamp: first + i * gapMs,
      page_url: `https://shop.example/p${i}`,
    }));

  it("stores 100 events 31 minutes apart in one request as a chain of 100 sessions, one write each plus the tail", async () => {
    const client = dynamo.client();
    const stats = placementCalls(client, tables);
    const events = visits(100, 31 * MIN, NOW - 99 * 31 * MIN);
    const out = await collect(testDeps(client, tables), { events }, NOW);
    expect(out.result.statusCode, out.result.body).to.equal(200);
    const chain = await chainOf(dynamo, tables, "s");
    expect(chain).to.have.length(100);
    expect(out.json.session_ids).to.deep.equal(chain);
    expect(chain[1]).to.equal(successorSessionId("s", events[0].timestamp));
    // 100 session writes (each closing its session), one tail update (the counters' moves not counted)
    expect(stats.UpdateItemCommand).to.equal(101);
    expect(await getSession(dynamo.client(), tables.sessions, "s")).to.include({
      tail_id: `local#${chain[99]}`, // the tail's key
      tail_from: events[98].timestamp + 30 * MIN + 1,
    });
    expect(await storedEvents(dynamo.client(), tables.events)).to.have.length(100);
  });

  it("answers the identical retry of an acknowledged 40-session request with the same sessions, storing nothing twice", async () => {
    const events = visits(40, 31 * MIN, NOW - 39 * 31 * MIN);
    const first = await collect(testDeps(dynamo.client(), tables), { events }, NOW);
    const client = dynamo.client();
    const stats = placementCalls(client, tables);
    const retry = await collect(testDeps(client, tables), { events }, NOW + 1_000);
    expect([first.result.statusCode, retry.result.statusCode]).to.deep.equal([200, 200]);
    expect(retry.json.session_ids).to.deep.equal(first.json.session_ids);
    expect(new Set(first.json.session_ids).size).to.equal(40);
    expect(await storedEvents(dynamo.client(), tables.events)).to.have.length(40);
    // per closed session: the fast path fails (its row is read), the merge applies: two writes, one read
    expect(stats.UpdateItemCommand).to.be.at.most(2 * 40 + 1);
    expect(stats.GetItemCommand).to.be.at.most(40);
  });

  it("serves a client that keeps its first session id for 45 visits at the same cost on visit 45 as on visit 5", async () => {
    const costs: number[] = [];
    for (let visit = 0; visit < 45; visit++) {
      const at = NOW - (45 - visit) * 2 * 60 * MIN;
      const client = dynamo.client();
      const stats = injectFaults(client, {});
      const body = { event_type: "page_view", event_id: `v${visit}`, session_id: "s", timestamp: at, page_url: "https://shop.example/" };
      const out = await collect(testDeps(client, tables), body, at);
      expect(out.result.statusCode, `visit ${visit}: ${out.result.body}`).to.equal(200);
      costs.push(Object.values(stats.calls).reduce((a, b) => a + b, 0));
    }
    expect(await chainOf(dynamo, tables, "s")).to.have.length(45);
    expect(costs.slice(5)).to.deep.equal(Array(40).fill(costs[5]));
  });
});
