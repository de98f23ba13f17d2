/**
 * Properties of the alarm expressions the stack deploys, evaluated by the metric-math evaluator
 * the end-to-end alarm test uses: for any counts a period can hold (any datapoint missing, as a
 * metric filter with dimensions publishes none in a quiet period), the value is the brute-force
 * share, and the alarm tiers partition the catalog.
 */
import { expect } from "chai";
import fc from "fast-check";
import { alarmCatalog, buildAlarmSpecs, failureRateExpression, type MonitoredResources, shareExpression } from "../../components/metrics";
import { DEFAULT_ALARM_THRESHOLDS } from "../../config";
import { evaluateMetricMath } from "../support/metric-math";

/** A count, or no datapoint at all (NaN, as the evaluator takes a missing one). */
const maybeCount = fc.option(fc.nat({ max: 100_000 }), { nil: Number.NaN });

describe("alarm expressions (properties)", () => {
  it("the failure rate is 100 × (answered 5xx + crashes) / invocations, 0 without invocations, whichever inputs are missing", () => {
    const expression = failureRateExpression("serverErrors", "errors", "invocations");
    fc.assert(
      fc.property(maybeCount, maybeCount, fc.nat({ max: 100_000 }), (serverErrors, errors, extra) => {
        const failed = (Number.isNaN(serverErrors) ? 0 : serverErrors) + (Number.isNaN(errors) ? 0 : errors);
        // Invocations count every failed answer and crash, and maybe successes besides.
        const invocations = failed + extra;
        const value = evaluateMetricMath(expression, { serverErrors, errors, invocations });
        const expected = invocations > 0 ? (100 * failed) / invocations : 0;
        expect(value).to.be.closeTo(expected, 1e-9);
        expect(value).to.be.within(0, 100);
      }),
    );
  });

  it("the dropped share is 100 × dropped / (dropped + processed), 0 in a period with neither", () => {
    const expression = shareExpression(["dropped"], "processed");
    fc.assert(
      fc.property(maybeCount, maybeCount, (dropped, processed) => {
        const d = Number.isNaN(dropped) ? 0 : dropped;
        const p = Number.isNaN(processed) ? 0 : processed;
        const value = evaluateMetricMath(expression, { dropped, processed });
        expect(value).to.be.closeTo(d + p > 0 ? (100 * d) / (d + p) : 0, 1e-9);
      }),
    );
  });

  it("diagnosticAlarms adds alarms and never removes one: the tiers partition the catalog for any reservation and archive", () => {
    const resources = fc.record({
      collector: fc.integer({ min: -1, max: 500 }),
      realtime: fc.integer({ min: -1, max: 500 }),
      archive: fc.boolean(),
    });
    fc.assert(
      fc.property(resources, ({ collector, realtime, archive }) => {
        const r: MonitoredResources = {
          stack: "p",
          collectorFunctionName: "c",
          realtimeFunctionName: "r",
          apiId: "a",
          apiStageName: "$default",
          tableNames: ["LiveInsight-p-Events", "LiveInsight-p-Sessions", "LiveInsight-p-ActiveSessions"],
          reservedConcurrency: { Collector: collector, Realtime: realtime },
          ...(archive ? { archive: { archiverFunctionName: "x", compactionFunctionName: "k", failureQueueName: "q" } } : {}),
        };
        const all = alarmCatalog(r, DEFAULT_ALARM_THRESHOLDS).map((s) => s.key);
        const symptoms = buildAlarmSpecs(r, DEFAULT_ALARM_THRESHOLDS, false);
        const withDiagnostics = buildAlarmSpecs(r, DEFAULT_ALARM_THRESHOLDS, true).map((s) => s.key);
        expect(withDiagnostics).to.deep.equal(all);
        expect(symptoms.every((s) => !s.diagnostic)).to.equal(true);
        expect(all.filter((k) => !symptoms.some((s) => s.key === k))).to.deep.equal(
          alarmCatalog(r, DEFAULT_ALARM_THRESHOLDS)
            .filter((s) => s.diagnostic)
            .map((s) => s.key),
        );
        // Every function, the archive's included, keeps an alarm that reads its Lambda Errors (the policy pack's rule).
        const readsErrorsOf = (fn: string) =>
          symptoms.some((s) =>
            (s.kind === "metric" ? [s.metric] : s.inputs.map((i) => i.metric)).some(
              (m) => m.metricName === "Errors" && m.dimensions.FunctionName === fn,
            ),
          );
        for (const fn of ["c", "r", ...(archive ? ["x", "k"] : [])]) expect(readsErrorsOf(fn), fn).to.equal(true);
      }),
    );
  });
});
