import { DeleteItemCommand } from "@aws-sdk/client-dynamodb";
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { expect } from "chai";
import { MINUTE_MS } from "../../contracts/realtime";
import type { TableNames } from "../../contracts/tables";
import { sessionKey } from "../../functions/core/ids";
import { moveDeltas } from "../../functions/core/realtime-buckets";
import { applyOnce, type MoveContext, settleSession, TAKEOVER_AFTER_MS } from "../../functions/core/realtime-moves";
import { createDocumentClient } from "../../functions/shared/clients";
import { collect, getSession, realtimeAt, scanAll, testDeps } from "../support/collector";
import { startDynamo, type TestDynamo } from "../support/dynalite";

const NOW = Date.UTC(2026, 11, 1, 12, 0, 30);
const PAGE = "https://e.com/a";

/**
 * A request that died in the middle of a move (its Lambda timed out): the move is on the Sessions
 * row, its counter change landed or not. Whoever comes next leaves it alone while its owner may
 * still be running, and finishes it exactly once after.
 */
describe("realtime moves: a move left by a request that died", () => {
  let dynamo: TestDynamo;
  let tables: TableNames;
  before(async () => (dynamo = await startDynamo()));
  after(async () => dynamo.close());
  beforeEach(async () => (tables = await dynamo.freshTables()));

  const db = () => createDocumentClient(dynamo.client());
  const context = (wallMs: number): MoveContext => ({
    db: db(),
    sessionsTable: tables.sessions,
    countersTable: tables.activeSessions,
    shards: 1,
    budget: {
      deadline: Number.POSITIVE_INFINITY,
      signal: new AbortController().signal,
      now: () => 0,
      sleep: async () => {},
      random: () => 0.5,
    },
    nowMs: NOW,
    wallClock: () => wallMs,
    owner: `later-${wallMs}`,
    userMoves: new Map(),
  });

  /** A session with no counters yet, and a move of it started by a request that then died (its change applied or not). */
  async function deadMove(applied: boolean) {
    const id = sessionKey("local", "s1");
    const body = { event_type: "page_view", session_id: "s1", timestamp: NOW, page_url: PAGE };
    expect((await collect(testDeps(dynamo.client(), tables), body, NOW)).result.statusCode).to.equal(200);
    // Back to "never counted": the row without its marker, the counters empty.
    await db().send(
      new UpdateCommand({ TableName: tables.sessions, Key: { session_id: id }, UpdateExpression: "REMOVE rt_minute, rt_page" }),
    );
    for (const item of await scanAll(dynamo.client(), tables.activeSessions))
      await dynamo
        .client()
        .send(new DeleteItemCommand({ TableName: tables.activeSessions, Key: { counter_key: { S: String(item.counter_key) } } }));
    const to = { minute: Math.floor(NOW / MINUTE_MS), page: PAGE };
    const wall = 1_000_000;
    await db().send(
      new UpdateCommand({
        TableName: tables.sessions,
        Key: { session_id: id },
        UpdateExpression: "SET rt_move = :m",
        ExpressionAttributeValues: { ":m": { ...to, token: "dead.1", owner: "dead", since: wall } },
      }),
    );
    if (applied)
      for (const [key, counters] of moveDeltas("session", { site: "local", entityKey: id, shards: 1 }, undefined, to, 0))
        await db().send(new UpdateCommand(applyOnce(tables.activeSessions, key, counters, "dead.1")));
    return { id, wall, row: (await getSession(dynamo.client(), tables.sessions, "s1"))! };
  }

  for (const applied of [true, false]) {
    it(`leaves it to its owner for ${TAKEOVER_AFTER_MS / 1000} s, then finishes it once (its counter change ${applied ? "had" : "had not"} landed)`, async () => {
      const { id, wall, row } = await deadMove(applied);
      await settleSession(context(wall + TAKEOVER_AFTER_MS - 1), { sessionId: id, row });
      const before = await getSession(dynamo.client(), tables.sessions, "s1");
      expect([before?.rt_minute, (before?.rt_move as { token?: string })?.token]).to.deep.equal([undefined, "dead.1"]);
      expect((await realtimeAt(dynamo.client(), tables, NOW)).active_sessions).to.equal(applied ? 1 : 0);

      await settleSession(context(wall + TAKEOVER_AFTER_MS), { sessionId: id, row });
      const after = await getSession(dynamo.client(), tables.sessions, "s1");
      expect([after?.rt_minute, after?.rt_page, after?.rt_move]).to.deep.equal([Math.floor(NOW / MINUTE_MS), PAGE, undefined]);
      const snapshot = await realtimeAt(dynamo.client(), tables, NOW);
      expect([snapshot.active_sessions, snapshot.top_pages]).to.deep.equal([1, [{ page_url: PAGE, sessions: 1 }]]);
      const tokens = (await scanAll(dynamo.client(), tables.activeSessions)).flatMap((i) =>
        Object.keys(i).filter((k) => k.startsWith("t:")),
      );
      expect(tokens).to.deep.equal([]);
    });
  }
});
