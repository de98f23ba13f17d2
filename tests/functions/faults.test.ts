import { expect } from "chai";
import type { TableNames } from "../../contracts/tables";
import { collect, getSession, scanAll, testDeps } from "../support/collector";
import { startDynamo, type TestDynamo } from "../support/dynalite";
import { injectFaults } from "../support/fault-injector";

const NOW = Date.now();

function batch(n: number, sessions: number, tag: string) {
  return {
    events: Array.from({ length: n }, (_, i) => ({
      event_type: "click",
      event_id: `${tag}-${i}`,
      session_id: `${tag}-s${i % sessions}`,
      timestamp: NOW - 1000 + i,
    })),
  };
}

describe("collector fault paths (fault injector around the real client)", () => {
  let dynamo: TestDynamo;
  let tables: TableNames;
  before(async () => (dynamo = await startDynamo()));
  after(async () => dynamo.close());
  beforeEach(async () => (tables = await dynamo.freshTables()));

  it("retries UnprocessedItems with backoff until every event is stored, then answers 200", async () => {
    const client = dynamo.client();
    const stats = injectFaults(client, { seed: 3, unprocessedRate: 0.5, commands: ["BatchWriteItemCommand"] });
    const out = await collect(testDeps(client, tables), batch(60, 4, "u"), NOW);
    expect(out.result.statusCode).to.equal(200);
    expect(stats.unprocessedItems).to.be.greaterThan(30);
    expect(stats.calls.BatchWriteItemCommand).to.be.greaterThan(3); // 3 chunks of ≤ 25, plus retries
    const stored = await scanAll(dynamo.client(), tables.events);
    expect(stored.map((e) => e.event_id).sort()).to.deep.equal(
      batch(60, 4, "u")
        .events.map((e) => e.event_id)
        .sort(),
    );
  });

  it("answers 503 StorageUnavailable, retryable, when unprocessed items outlast the invocation's time", async () => {
    const client = dynamo.client();
    injectFaults(client, { unprocessedRate: 1, commands: ["BatchWriteItemCommand"] });
    // The backoff waits the handler plans, recorded: asserting on them instead of on elapsed time
    // keeps the test exact on a loaded machine (timing goals live in the benchmarks).
    const slept: number[] = [];
    const sleep = (ms: number) => (slept.push(ms), new Promise<void>((r) => setTimeout(r, ms)));
    const out = await collect(testDeps(client, tables, { remainingTimeMs: () => 800, sleep }), batch(5, 1, "t"), NOW);
    expect(out.result.statusCode).to.equal(503);
    expect(out.json).to.deep.equal({
      error: "StorageUnavailable",
      message: "The events could not be stored right now; retry the same request with backoff.",
      retryable: true,
    });
    // Every wait fits inside the 800 ms the invocation had left, less the 250 ms kept to answer.
    expect(slept.reduce((a, b) => a + b, 0)).to.be.below(800 - 250);
    expect((out.error as Error).message).to.match(/^5 of 5 items still unprocessed in LiveInsight-.*-Events after \d+ attempts$/);
  });

  it("lets the SDK retry throttling per AWS_MAX_ATTEMPTS, then answers 503", async () => {
    const client = dynamo.client({ maxAttempts: 2 });
    const stats = injectFaults(client, { throttleRate: 1, commands: ["BatchWriteItemCommand"] });
    const out = await collect(testDeps(client, tables), batch(3, 1, "th"), NOW);
    expect(out.result.statusCode).to.equal(503);
    expect([stats.calls.BatchWriteItemCommand, stats.attempts.BatchWriteItemCommand]).to.deep.equal([1, 2]);
    expect((out.error as Error).name).to.equal("ProvisionedThroughputExceededException");
  });

  it("stores every event exactly once through 30% injected 500s when the SDK may retry", async () => {
    const client = dynamo.client({ maxAttempts: 6 });
    const stats = injectFaults(client, { seed: 11, serverErrorRate: 0.3 });
    const deps = testDeps(client, tables);
    const statuses: number[] = [];
    for (let r = 0; r < 10; r++) statuses.push((await collect(deps, batch(10, 2, `r${r}`), NOW)).result.statusCode);
    expect(statuses).to.deep.equal(Array(10).fill(200));
    expect(stats.serverErrors).to.be.greaterThan(5);
    expect((await scanAll(dynamo.client(), tables.events)).length).to.equal(100);
  });

  it("answers 503 when the session update fails after the events were written, and a retry stores each event once", async () => {
    const failing = dynamo.client({ maxAttempts: 1 });
    injectFaults(failing, { throttleRate: 1, commands: ["UpdateItemCommand"] });
    const body = batch(4, 2, "late");
    const first = await collect(testDeps(failing, tables), body, NOW);
    expect(first.result.statusCode).to.equal(503);
    const retry = await collect(testDeps(dynamo.client(), tables), body, NOW + 100);
    expect(retry.result.statusCode).to.equal(200);
    expect((await scanAll(dynamo.client(), tables.events)).map((e) => e.event_id)).to.have.members(body.events.map((e) => e.event_id));
    expect((await scanAll(dynamo.client(), tables.events)).length).to.equal(4);
  });

  it("aborts a slow storage call at the invocation's deadline and answers 503", async () => {
    const client = dynamo.client({ maxAttempts: 1 });
    injectFaults(client, { delayMs: 700, commands: ["BatchWriteItemCommand"] });
    const out = await collect(testDeps(client, tables, { remainingTimeMs: () => 600 }), batch(1, 1, "slow"), NOW);
    expect(out.result.statusCode).to.equal(503);
    // Aborted by the request's deadline signal (AbortSignal.timeout), not left to finish its 700 ms.
    const error = out.error as Error & { cause?: Error };
    expect([error.name, error.cause?.name]).to.deep.equal(["AbortError", "TimeoutError"]);
  });
});

describe("lost responses (write lands, response lost)", () => {
  let dynamo: TestDynamo;
  let tables: TableNames;
  before(async () => (dynamo = await startDynamo()));
  after(async () => dynamo.close());
  beforeEach(async () => (tables = await dynamo.freshTables()));

  it("answers 503 when every response of a rollover is lost, and the retry stores each event once in the same successor", async () => {
    const MIN = 60_000;
    await collect(
      testDeps(dynamo.client(), tables),
      { event_type: "page_view", event_id: "old", session_id: "s", timestamp: NOW - 50 * MIN },
      NOW,
    );
    const lossy = dynamo.client({ maxAttempts: 1 });
    const stats = injectFaults(lossy, { failAfterWriteRate: 1, commands: ["UpdateItemCommand"] });
    const body = {
      events: [
        { event_type: "page_view", event_id: "n1", session_id: "s", timestamp: NOW - 5 * MIN },
        { event_type: "click", event_id: "n2", session_id: "s", timestamp: NOW - 4 * MIN },
      ],
    };
    const lost = await collect(testDeps(lossy, tables), body, NOW);
    // The close of the idle session landed; its response was lost.
    expect([lost.result.statusCode, stats.failedAfterWrite]).to.deep.equal([503, 1]);
    expect((await getSession(dynamo.client(), tables.sessions, "s"))?.successor).to.be.a("string");
    const retry = await collect(testDeps(dynamo.client(), tables), body, NOW + 1000);
    const sessions = await scanAll(dynamo.client(), tables.sessions);
    // Stored keys are `<site>#<session>` (docs/sites.md); the answer carries the session id alone.
    const successor = String(sessions.find((s) => s.session_id !== "local#s")!.session_id);
    expect(retry.json.session_ids).to.deep.equal([successor.replace("local#", ""), successor.replace("local#", "")]);
    expect(sessions.find((s) => s.session_id === "local#s")).to.include({ successor, last_activity: NOW - 50 * MIN });
    const events = (await scanAll(dynamo.client(), tables.events)).map((e) => [e.session_id, e.event_id]);
    expect(events).to.deep.equal(
      [
        ["local#s", "old"],
        [successor, "n1"],
        [successor, "n2"],
      ].sort((a, b) => a[0].localeCompare(b[0])),
    );
  });
});
