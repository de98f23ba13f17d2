/**
 * One all-in input for the cost tests: round item sizes and no fixed items, so a test sets only
 * what it prices (`allInFixture({ pitr: true, hotRetentionDays: 14 })`).
 */
import type { AllInInputs } from "./all-in";
import { costPerMillionEvents, NAIVE_BASELINE } from "./cost";
import type { ItemSizes } from "./item-sizes";

/** Round stored sizes: 500 B events, 400 B sessions, 150 B index rows, 200 B live rows, 10 events a session. */
export const FIXTURE_SIZES: ItemSizes = {
  events: { items: 10, mean_stored_bytes: 500 },
  sessions: { items: 1, mean_stored_bytes: 400 },
  user_index: { items: 1, mean_stored_bytes: 150 },
  active_sessions: { items: 1, mean_stored_bytes: 200 },
  events_per_session: 10,
  method: "fixture",
};

export function allInFixture(over: Partial<AllInInputs> = {}): AllInInputs {
  return {
    stack: "x",
    ingestPerMillion: costPerMillionEvents({ ...NAIVE_BASELINE, name: "x" }),
    sizes: FIXTURE_SIZES,
    hotRetentionDays: 7,
    logRetentionDays: 30,
    pitr: false,
    logBytesPerMillion: 1e8,
    alarmMetrics: 0,
    customMetrics: 0,
    dashboards: 0,
    secrets: 0,
    ...over,
  };
}
