/**
 * Property suite: generated visits delivered out of order, split into random requests, with
 * concurrent duplicates, lost responses and skewed clocks, against a real dynalite; afterwards
 * every session invariant of docs/sessions.md must hold on the tables.
 * Runs: PROPERTY_RUNS (default 40); `npm run test:properties -- --runs N` for deep runs.
 */
import { expect } from "chai";
import fc from "fast-check";
import { startDynamo, type TestDynamo } from "../support/dynalite";
import { deliver } from "./deliver";
import { violations } from "./invariants";
import { type Traffic, trafficArbitrary } from "./visits";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 40);

/**
 * The same traffic with every retry within 90 s of the one before (no offline queue days later),
 * so most sessions are still live when GET /realtime is checked against the brute force.
 */
const liveTraffic = trafficArbitrary.map(
  (t): Traffic => ({ ...t, waves: t.waves.map((wave) => wave.map((d) => ({ ...d, retryStepMs: Math.min(d.retryStepMs, 90_000) }))) }),
);
const SEED = process.env.PROPERTY_SEED === undefined ? undefined : Number(process.env.PROPERTY_SEED);

describe("session invariants under generated browser delivery (fast-check, dynalite)", function () {
  this.timeout(Math.max(60_000, RUNS * 5_000));
  let dynamo: TestDynamo;
  before(async () => (dynamo = await startDynamo()));
  after(async () => dynamo.close());

  it(`holds every invariant for ${RUNS} generated deliveries`, async () => {
    const totals = { cases: 0, events: 0, attempts: 0, lostResponses: 0, exactCounterCases: 0, liveAnswers: 0 };
    await fc.assert(
      fc.asyncProperty(trafficArbitrary, async (traffic) => {
        const tables = await dynamo.freshTables();
        const { answers, stats } = await deliver(dynamo, tables, traffic);
        expect(stats.unexpectedStatuses).to.deep.equal([]);
        const problems = await violations(dynamo.client(), tables, traffic, answers, totals);
        expect(problems, problems.join("\n")).to.deep.equal([]);
        totals.cases++;
        totals.events += traffic.events.length;
        totals.attempts += stats.attempts;
        totals.lostResponses += stats.lostResponses;
        if (answers.singleAttempts) totals.exactCounterCases++;
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    if (process.env.PROPERTY_REPORT) console.log(`      ${JSON.stringify(totals)}`);
    expect(totals.cases).to.be.at.least(RUNS);
  });

  it(`answers GET /realtime as the brute force over the stored events for ${RUNS} deliveries of still-live visitors`, async () => {
    const seen = { cases: 0, liveAnswers: 0, lostResponses: 0 };
    await fc.assert(
      fc.asyncProperty(liveTraffic, async (traffic) => {
        const tables = await dynamo.freshTables();
        const { answers, stats } = await deliver(dynamo, tables, traffic);
        expect(stats.unexpectedStatuses).to.deep.equal([]);
        const problems = await violations(dynamo.client(), tables, traffic, answers, seen);
        expect(problems, problems.join("\n")).to.deep.equal([]);
        seen.cases++;
        seen.lostResponses += stats.lostResponses;
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    if (process.env.PROPERTY_REPORT) console.log(`      ${JSON.stringify(seen)}`);
    // Most of the checked answers had live sessions (and lost responses among the attempts): the property is not vacuous.
    expect(seen.liveAnswers).to.be.at.least(RUNS);
    expect(seen.lostResponses).to.be.greaterThan(0);
  });
});
