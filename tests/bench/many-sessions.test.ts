import { expect } from "chai";
import { startDynamo, type TestDynamo } from "../support/dynalite";
import { manySessions } from "./many-sessions";
import { manySessionBatch, percentile } from "./many-sessions-load";

describe("bench: the 100 sessions × 1 event shape", () => {
  let dynamo: TestDynamo;
  before(async () => (dynamo = await startDynamo()));
  after(async () => dynamo.close());

  it("counts 4 write units per event and 205 calls per request (1 marker read, 100 session updates, 100 live rows, 4 batches)", async () => {
    const result = await manySessions(dynamo, 2);
    expect([result.requests, result.sessions_per_request, result.write_units_per_event, result.write_units_per_request]).to.deep.equal([
      2, 100, 4, 400,
    ]);
    expect(result.calls_per_request).to.equal(205);
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
