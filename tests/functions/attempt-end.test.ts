/**
 * A failed attempt ends before it answers (docs/sessions.md, "Window edge"; functions/core/attempt.ts).
 * Found by the property suite (PROPERTY_SEED=-443161775): one chain's write failed, the request
 * answered 503, and another chain of the same attempt kept writing; its session update moved an
 * exit page by an event at its client time after the retry, days later and outside the window,
 * had looked for that event, missed it and pinned server time. The event went to a later session
 * and the first session's exit page named a page none of its events has.
 * Faults are middleware on the real client (dynalite), scripted per session key.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { InternalServerError } from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import type { TableNames } from "../../contracts/tables";
import { LIMITS } from "../../functions/core/validate";
import { collect, scanAll, storedEvents, testDeps } from "../support/collector";
import { startDynamo, type TestDynamo } from "../support/dynalite";

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const MIN = 60_000;
const DAY = 86_400_000;
/** The browser's clock is two days behind: inside the window, far from both edges, on the first attempt. */
const T0 = NOW - 2 * DAY;
/** The retry three days later… twice: T0 is then 8 days old, outside the 7-day window. */
const RETRY_AT = NOW + 6 * DAY;

type Script = (sessionKey: string, call: { started: number }) => Promise<void> | undefined;

interface CallLog {
  /** Calls started, and finished, after the attempt answered. */
  startedAfterAnswer: string[];
  finishedAfterAnswer: string[];
  inFlight: number;
  answered: boolean;
}

/**
 * Runs `script` on every Sessions UpdateItem of `client` (by session key) before it is sent: it may
 * throw (the call fails, nothing written) or return a promise the call waits for. Logs every call
 * against the moment the test marks the answer.
 */
function scriptCalls(client: DynamoDBClient, sessionsTable: string, script: Script): CallLog {
  const log: CallLog = { startedAfterAnswer: [], finishedAfterAnswer: [], inFlight: 0, answered: false };
  let started = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { TableName?: string; Key?: { session_id?: { S?: string } } };
      const name = `${context.commandName} ${input.Key?.session_id?.S ?? input.TableName}`;
      if (log.answered) log.startedAfterAnswer.push(name);
      log.inFlight++;
      try {
        const key = context.commandName === "UpdateItemCommand" && input.TableName === sessionsTable ? input.Key?.session_id?.S : undefined;
        const hold = key === undefined ? undefined : script(key, { started: ++started });
        if (hold) await hold;
        return await next(args);
      } finally {
        log.inFlight--;
        if (log.answered) log.finishedAfterAnswer.push(name);
      }
    },
    // After serialization: the key is in wire form whichever client sent it (as fault-injector.ts reads it).
    { step: "build", name: "scriptedSessionCalls", override: true },
  );
  return log;
}

/** A storage failure that wrote nothing (the SDK's retries exhausted). */
const storageFailure = () => {
  throw new InternalServerError({ message: "Injected 500", $metadata: { httpStatusCode: 500 } });
};

/** Turns of the event loop until no call of `log` has been in flight for two of them. */
async function quiet(log: CallLog) {
  for (let idle = 0; idle < 2; ) {
    await new Promise((r) => setImmediate(r));
    idle = log.inFlight === 0 ? idle + 1 : 0;
  }
}

describe("a failed attempt ends before it answers: no write of it lands after its 503", () => {
  let dynamo: TestDynamo;
  let tables: TableNames;
  before(async () => (dynamo = await startDynamo()));
  after(async () => dynamo.close());
  beforeEach(async () => (tables = await dynamo.freshTables()));

  const event = (session: string, id: string, ts: number, page?: string) => ({
    event_type: page ? "page_view" : "heartbeat",
    event_id: id,
    session_id: session,
    timestamp: ts,
    ...(page ? { page_url: `https://shop.example/${page}` } : {}),
  });

  it("answers the 503 only when no call of the attempt is in flight, and starts none after it", async () => {
    const client = dynamo.client();
    const log = scriptCalls(client, tables.sessions, (key) => (key === "local#tab-a" ? storageFailure() : undefined));
    // tab-b's events are 31 minutes apart: three sessions, three sequential writes, still to come when tab-a fails.
    const body = {
      events: [event("tab-a", "a1", T0), ...[0, 1, 2].map((i) => event("tab-b", `b${i}`, T0 + i * 31 * MIN, "p1"))],
    };
    const out = await collect(testDeps(client, tables), body, NOW);
    log.answered = true;
    const inFlightAtAnswer = log.inFlight;
    await quiet(log);
    expect(out.result.statusCode).to.equal(503);
    expect((out.error as Error).message).to.equal("Injected 500");
    expect({ inFlightAtAnswer, started: log.startedAfterAnswer, finished: log.finishedAfterAnswer }).to.deep.equal({
      inFlightAtAnswer: 0,
      started: [],
      finished: [],
    });
  });

  it("keeps exit_page the page of the session's latest page view when the outside retry comes days after a 503", async () => {
    const clean = () => testDeps(dynamo.client(), tables);
    expect((await collect(clean(), event("tab-b", "b0", T0 - MIN, "p1"), NOW - MIN)).result.statusCode).to.equal(200);

    // Attempt 1: tab-a's session write fails; tab-b's is slow, answered only once the retry is
    // done (at most 1.5 s): the write lands then, unless the attempt waits for it before answering.
    let retryDone = () => {};
    const retryAnswered = new Promise<void>((r) => (retryDone = r));
    const client = dynamo.client();
    const log = scriptCalls(client, tables.sessions, (key) => {
      if (key === "local#tab-a") storageFailure();
      if (key === "local#tab-b") return Promise.race([retryAnswered, new Promise<void>((r) => setTimeout(r, 1_500))]);
      return undefined;
    });
    const request = { events: [event("tab-a", "a1", T0), event("tab-b", "b1", T0, "p2")] };
    const first = await collect(testDeps(client, tables), request, NOW);
    expect(first.result.statusCode).to.equal(503);

    // The browser retries when the 503 arrives; by then T0 is 8 days old (outside the window).
    expect(T0).to.be.below(RETRY_AT - LIMITS.pastWindowMs);
    const retry = await collect(clean(), request, RETRY_AT);
    retryDone();
    await quiet(log); // a write attempt 1 still held lands now (it did before the fix)
    expect(retry.result.statusCode).to.equal(200);

    const events = await storedEvents(dynamo.client(), tables.events);
    const sessions = await scanAll(dynamo.client(), tables.sessions);
    // The rule (docs/sessions.md, invariant 3): exit_page is the page of the session's latest event that has one.
    const latestPage = (id: unknown) => events.filter((e) => e.session_id === id && e.page_url).at(-1)?.page_url;
    expect(sessions.map((s) => [s.session_id, s.exit_page])).to.deep.equal(sessions.map((s) => [s.session_id, latestPage(s.session_id)]));
    // b1 was moved into tab-b by attempt 1 at its client time: the retry finds it there and keeps that time.
    expect(events.map((e) => [e.event_id, e.session_id, e.timestamp, e.client_timestamp])).to.deep.equal([
      ["a1", "local#tab-a", RETRY_AT, T0],
      ["b0", "local#tab-b", T0 - MIN, undefined],
      ["b1", "local#tab-b", T0, undefined],
    ]);
    expect(sessions.map((s) => [s.session_id, s.start_time, s.last_activity, s.entry_page, s.exit_page])).to.deep.equal([
      ["local#tab-a", RETRY_AT, RETRY_AT, undefined, undefined],
      ["local#tab-b", T0 - MIN, T0, "https://shop.example/p1", "https://shop.example/p2"],
    ]);
    expect(retry.json.session_ids).to.deep.equal(["tab-a", "tab-b"]);
  });
});
