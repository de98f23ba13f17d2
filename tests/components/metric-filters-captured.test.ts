import { expect } from "chai";
import { METRIC_FILTERS } from "../../components/metrics";
import { capturedCollectorRequests } from "../support/captured-logs";
import { evaluateMetricFilter } from "../support/filter-pattern";

/** The metric filters against the lines the real collector handler wrote (docs/operations.md). */
describe("metric filters on lines captured from the real collector", () => {
  it("publish exactly the expected value per request, with the Environment dimension", async () => {
    const requests = await capturedCollectorRequests();
    const published = requests.map(({ name, lines }) => {
      const perMetric: Record<string, number | null> = {};
      for (const filter of METRIC_FILTERS.filter((f) => f.sources.includes("collector"))) {
        const result = evaluateMetricFilter(filter, lines[0]);
        perMetric[filter.metricName] = result.matched ? (result.value ?? null) : null;
        const dimensions = "Function" in filter.dimensions ? { Environment: "dev", Function: "collector" } : { Environment: "dev" };
        if (result.matched) expect(result.dimensions).to.deep.equal(dimensions);
      }
      return [name, perMetric];
    });
    const row = (ep: number | null, er: number | null, sc: number | null, se: number | null, dropped: number | null = null) => ({
      EventsProcessed: ep,
      EventsRejected: er,
      SessionsCreated: sc,
      EventsDropped: dropped,
      ServerErrors: se,
    });
    expect(published).to.deep.equal([
      ["single", row(1, null, 1, null)],
      ["batch", row(5, null, 1, null)],
      ["invalid", row(null, 2, null, null)],
      ["malformed", row(null, 1, null, null)],
      ["method", row(null, null, null, null)],
      ["bot", row(null, null, null, null, 2)],
      ["origin", row(null, null, null, null, 2)],
      ["unknown-site", row(null, null, null, null, 2)],
      ["storage-down", row(null, null, null, 1)],
    ]);
  });
});
