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
import { trafficArbitrary } from "./visits";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 40);
const SEED = process.env.PROPERTY_SEED === undefined ? undefined : Number(process.env.PROPERTY_SEED);

describe("session invariants under generated browser delivery (fast-check, dynalite)", function () {
  this.timeout(Math.max(60_000, RUNS * 5_000));
  let dynamo: TestDynamo;
  before(async () => (dynamo = await startDynamo()));
  after(async () => dynamo.close());

  it(`holds every invariant for ${RUNS} generated deliveries`, async () => {
    const totals = { cases: 0, events: 0, attempts: 0, lostResponses: 0, exactCounterCases: 0 };
    await fc.assert(
      fc.asyncProperty(trafficArbitrary, async (traffic) => {
        const tables = await dynamo.freshTables();
        const { answers, stats } = await deliver(dynamo, tables, traffic);
        expect(stats.unexpectedStatuses).to.deep.equal([]);
        // The violations as the message: a counterexample says what broke, not only that something did.
        const broken = await violations(dynamo.client(), tables, traffic, answers);
        expect(broken, broken.join("; ")).to.deep.equal([]);
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
});
