import { expect } from "chai";
import { startDynamo, type TestDynamo } from "../support/dynalite";
import { manySessions } from "./many-sessions";
import { manySessionBatch, percentile } from "./many-sessions-load";

describe("bench: the 100 sessions × 1 event shape", () => {
  let dynamo: TestDynamo;
  before(async () => (dynamo = await startDynamo()));
  after(async () => dynamo.close());

  it("counts 11 write units per event and 1005 calls per request (1 marker read, 100 session updates, 4 batches, 9 realtime calls per new session)", async () => {
    const result = await manySessions(dynamo, 2);
    // per event: the event, its session update, its UserIndex entry, and the realtime move of a new
    // session and a new user (session start + commit, user start + apply + commit + clean, session apply + clean),
    // each counted as one unit here (write_units_per_event prices them by item size)
    expect([result.requests, result.sessions_per_request, result.write_units_per_event, result.write_units_per_request]).to.deep.equal([
      2, 100, 11, 1100,
    ]);
    // the 9 realtime calls of each new session: the 8 writes above and one consistent read of the user's record
    expect(result.calls_per_request).to.equal(1 + 100 + 4 + 100 * 9);
    expect(result.p99_ms).to.be.at.least(result.p50_ms);
  });

  it("builds batches where every event is its own visitor and session", () => {
    const { events } = manySessionBatch("t", 100, 1_000_000);
    expect(new Set(events.map((e) => e.session_id)).size).to.equal(100);
    expect(new Set(events.map((e) => e.user_id)).size).to.equal(100);
    expect(percentile([5, 1, 4, 2, 3], 50)).to.equal(3);
    expect(percentile([5, 1, 4, 2, 3], 99)).to.equal(5);
  });
});
