import { expect } from "chai";
import { type AlarmSpec, buildAlarmSpecs, type MonitoredResources, metricCatalog } from "../../components/metrics";
import { DEFAULT_ALARM_THRESHOLDS } from "../../config";
import { QA_RESOURCES, qaDashboard } from "./qa-stack";

const BASE = QA_RESOURCES;
const WITH_ARCHIVE: MonitoredResources<string> = {
  ...BASE,
  archive: {
    archiverFunctionName: "LiveInsight-qa-archiver",
    compactionFunctionName: "LiveInsight-qa-compaction",
    failureQueueName: "LiveInsight-qa-archive-failures",
  },
};
const T = { ...DEFAULT_ALARM_THRESHOLDS, archiveIteratorAgeMs: 123_000, functionErrors: 2, evaluationPeriods: 5, datapointsToAlarm: 3 };
const ARCHIVE_KEYS = ["archive-iterator-age", "archive-failed-batches", "archiver-errors", "compaction-errors"];

const byKey = (specs: AlarmSpec[], key: string) => specs.find((s) => s.key === key)!;

describe("archive alarms and widgets (components/metrics, from the catalog)", () => {
  it("adds exactly the four archive alarms when the stack has an archive, and none without", () => {
    const without = buildAlarmSpecs(BASE, T, false).map((s) => s.key);
    const withArchive = buildAlarmSpecs(WITH_ARCHIVE, T, false).map((s) => s.key);
    expect(withArchive.filter((k) => !without.includes(k))).to.deep.equal(ARCHIVE_KEYS);
    expect(without.filter((k) => ARCHIVE_KEYS.includes(k))).to.deep.equal([]);
  });

  it("alarms on archive lag: the archiver's maximum IteratorAge above archiveIteratorAgeMs, M of N, idle = healthy", () => {
    const spec = byKey(buildAlarmSpecs(WITH_ARCHIVE, T, false), "archive-iterator-age");
    const catalog = metricCatalog(WITH_ARCHIVE).archive!;
    expect(spec).to.deep.include({
      kind: "metric",
      name: "LiveInsight-qa-Archive-IteratorAge",
      threshold: 123_000,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: "notBreaching",
      metric: catalog.iteratorAge,
    });
    expect(catalog.iteratorAge).to.deep.equal({
      namespace: "AWS/Lambda",
      metricName: "IteratorAge",
      dimensions: { FunctionName: "LiveInsight-qa-archiver" },
      stat: "Maximum",
      label: "Archive lag (IteratorAge, ms)",
    });
  });

  it("alarms on the first failed batch in the queue: depth > 0 in 1 of 1 period", () => {
    const spec = byKey(buildAlarmSpecs(WITH_ARCHIVE, T, false), "archive-failed-batches");
    expect(spec).to.deep.include({
      kind: "metric",
      name: "LiveInsight-qa-Archive-FailedBatches",
      threshold: 0,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      metric: {
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: "LiveInsight-qa-archive-failures" },
        stat: "Maximum",
        label: "Failed archive batches waiting",
      },
    });
    expect(spec.description).to.equal(
      "Failed archive batches in the failure queue (ApproximateNumberOfMessagesVisible, maximum) above 0 in 1 of 1 periods of 60 s (stack qa).",
    );
  });

  it("alarms on archiver errors with the stack's M of N, and on one failed compaction run (1 of 1)", () => {
    const specs = buildAlarmSpecs(WITH_ARCHIVE, T, false);
    const archiver = byKey(specs, "archiver-errors");
    const compaction = byKey(specs, "compaction-errors");
    expect([archiver.threshold, archiver.evaluationPeriods, archiver.datapointsToAlarm]).to.deep.equal([2, 5, 3]);
    expect([compaction.threshold, compaction.evaluationPeriods, compaction.datapointsToAlarm]).to.deep.equal([2, 1, 1]);
    for (const [spec, fn] of [
      [archiver, "LiveInsight-qa-archiver"],
      [compaction, "LiveInsight-qa-compaction"],
    ] as const) {
      expect(spec.kind === "metric" && spec.metric).to.deep.include({ namespace: "AWS/Lambda", metricName: "Errors", stat: "Sum" });
      expect(spec.kind === "metric" && spec.metric.dimensions).to.deep.equal({ FunctionName: fn });
    }
  });

  it("draws one dashboard widget per archive alarm with its threshold line, in a section of its own", () => {
    const body = qaDashboard(WITH_ARCHIVE, T);
    const heading = body.widgets.findIndex(
      (w) => w.type === "text" && (w.properties as { markdown: string }).markdown.includes("History archive"),
    );
    expect(heading).to.be.greaterThan(0);
    const graphs = body.widgets
      .slice(heading + 1)
      .map((w) => w.properties as { title: string; annotations?: { horizontal: { label: string; value: number }[] } });
    expect(graphs.map((g) => g.title)).to.deep.equal([
      "Archive lag (ms)",
      "Archiver invocations / errors",
      "Failed archive batches (queue)",
      "Compaction runs / errors",
    ]);
    expect(graphs.map((g) => g.annotations?.horizontal.map((h) => [h.label, h.value]))).to.deep.equal([
      [["LiveInsight-qa-Archive-IteratorAge > 123000", 123000]],
      [["LiveInsight-qa-Archiver-Errors > 2", 2]],
      [["LiveInsight-qa-Archive-FailedBatches > 0", 0]],
      [["LiveInsight-qa-Compaction-Errors > 2", 2]],
    ]);
    const without = qaDashboard(BASE, T);
    expect(JSON.stringify(without)).not.to.include("History archive");
  });
});
