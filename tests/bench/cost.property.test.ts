/**
 * Properties of the all-in cost model for any stack shape and volume: the total is the sum of its
 * printed lines (nothing priced off the table), the free tier never enters it, and the fixed
 * monthly items spread over the volume exactly.
 */
import { expect } from "chai";
import fc from "fast-check";
import { type AllInInputs, allInMonthly } from "./all-in";
import { costPerMillionEvents, NAIVE_BASELINE } from "./cost";
import { viewerDayUsd } from "./realtime-cost";
import { expectClose } from "./tolerance";

const sizes = {
  events: { items: 1, mean_stored_bytes: 543 },
  sessions: { items: 1, mean_stored_bytes: 628 },
  user_index: { items: 1, mean_stored_bytes: 191 },
  active_sessions: { items: 1, mean_stored_bytes: 306 },
  events_per_session: 10,
  method: "fixture",
};

const stackShape = fc.record({
  readUnitsPerEvent: fc.double({ min: 0, max: 5, noNaN: true }),
  writeUnitsPerEvent: fc.double({ min: 0, max: 5, noNaN: true }),
  hotRetentionDays: fc.integer({ min: 1, max: 400 }),
  pitr: fc.boolean(),
  alarmMetrics: fc.nat({ max: 60 }),
  customMetrics: fc.nat({ max: 30 }),
  dashboards: fc.nat({ max: 5 }),
  secrets: fc.nat({ max: 3 }),
  viewerDays: fc.double({ min: 0, max: 100, noNaN: true }),
  readUnitsPerAnswer: fc.double({ min: 0, max: 50, noNaN: true }),
});

type StackShape = typeof stackShape extends fc.Arbitrary<infer T> ? T : never;

function inputs(s: StackShape): AllInInputs {
  return {
    stack: "p",
    ingestPerMillion: costPerMillionEvents({
      ...NAIVE_BASELINE,
      readUnitsPerEvent: s.readUnitsPerEvent,
      writeUnitsPerEvent: s.writeUnitsPerEvent,
    }),
    sizes,
    hotRetentionDays: s.hotRetentionDays,
    logRetentionDays: 30,
    pitr: s.pitr,
    logBytesPerMillion: 1e8,
    alarmMetrics: s.alarmMetrics,
    customMetrics: s.customMetrics,
    dashboards: s.dashboards,
    secrets: s.secrets,
    realtime: {
      viewer: {
        readUnitsPerAnswer: s.readUnitsPerAnswer,
        architecture: "arm64",
        memoryMb: 512,
        durationMs: 30,
        logBytesPerAnswer: 900,
        logRetentionDays: 30,
      },
      viewerDaysPerMonth: s.viewerDays,
    },
  };
}

describe("bench all-in cost (properties)", () => {
  it("totals exactly its lines, keeps the free tier apart, and spreads the fixed items over the volume", () => {
    fc.assert(
      fc.property(stackShape, fc.integer({ min: 1, max: 1000 }), (shape, millions) => {
        const i = inputs(shape);
        const m = allInMonthly(i, millions * 1e6);
        expectClose(
          m.monthlyUsd,
          m.lines.reduce((n, l) => n + l.usd, 0),
        );
        expectClose(m.perMillionUsd * millions, m.monthlyUsd);
        expect(m.freeTier.every((l) => l.usd <= 0)).to.equal(true);
        expectClose(m.perMillionWithFreeTierUsd * millions, m.monthlyUsd + m.freeTier.reduce((n, l) => n + l.usd, 0));
        const usd = (item: string) => m.lines.find((l) => l.item === item)?.usd;
        expectClose(usd("Alarms"), shape.alarmMetrics * 0.1);
        expectClose(usd("Dashboard"), shape.dashboards * 3);
        expectClose(usd("Custom metrics"), shape.customMetrics * 0.3);
        expectClose(usd("Realtime viewers"), shape.viewerDays * viewerDayUsd(i.realtime!.viewer));
        expect(m.freeTier.map((l) => l.usd)).to.deep.equal(shape.dashboards > 0 ? [-3 * Math.min(shape.dashboards, 3)] : []);
      }),
    );
  });

  it("prices the same read unit the same whether the collector or a live view reads it", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 5, noNaN: true }), (units) => {
        const ingest = costPerMillionEvents({ ...NAIVE_BASELINE, readUnitsPerEvent: units });
        expectClose(ingest.lines.find((l) => l.item === "DynamoDB reads")!.usd, units * 1e6 * 0.125e-6);
        const viewer = {
          readUnitsPerAnswer: units,
          architecture: "arm64" as const,
          memoryMb: 512,
          durationMs: 30,
          logBytesPerAnswer: 0,
          logRetentionDays: 30,
        };
        const perDay = viewerDayUsd(viewer) - viewerDayUsd({ ...viewer, readUnitsPerAnswer: 0 });
        expectClose(perDay, (units * 86_400 * 0.125e-6) / 5);
      }),
    );
  });
});
