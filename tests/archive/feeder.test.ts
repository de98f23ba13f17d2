import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { archiveBatch } from "../../functions/archive/archive-batch";
import { directoryStore } from "../../functions/archive/fs-store";
import { createArchiveFeeder, localSequenceNumber } from "../../local/archive-feeder";
import { openArchiveQuery } from "../../local/archive-query";
import type { StreamHandler } from "../../local/stream-delivery";
import { LOCAL_STREAM_READING } from "../../local/stream-reading";
import { collect, testDeps } from "../support/collector";
import { useDynamo } from "../support/dynalite";

describe("local mode's stream (the archive feeder)", () => {
  const suite = useDynamo();
  let dir: string;
  const T0 = Date.UTC(2026, 11, 7, 9);
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "li-feeder-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function feeder(now: () => number, seen: string[][] = [], handler?: StreamHandler) {
    const store = directoryStore(path.join(dir, "archive"));
    return createArchiveFeeder({
      db: suite.dynamo.client(),
      table: suite.tables.events,
      handler:
        handler ??
        (async (event) => {
          seen.push(event.Records.map((r) => r.dynamodb!.SequenceNumber!));
          return archiveBatch(event.Records, store);
        }),
      cursorFile: path.join(dir, "archive-stream.json"),
      failuresFile: path.join(dir, "archive-failures.jsonl"),
      overlapMs: 20_000,
      batchSize: 3,
      now,
      sleep: async () => undefined,
    });
  }

  async function post(ids: string[], at: number) {
    const deps = testDeps(suite.dynamo.client(), suite.tables);
    const out = await collect(
      deps,
      { events: ids.map((id) => ({ event_type: "page_view", event_id: id, timestamp: at, page_url: "https://e.com/" })) },
      at,
    );
    expect(out.result.statusCode).to.equal(200);
  }

  async function archivedIds(): Promise<string[]> {
    const engine = await openArchiveQuery(path.join(dir, "archive"));
    try {
      return (await engine.query("SELECT event_id FROM events ORDER BY event_id")).rows.map((r) => String(r[0]));
    } finally {
      engine.close();
    }
  }

  it("numbers records like the stream: 21 digits, received_at first, the same every read", () => {
    expect(localSequenceNumber(1765152000123, "sess_a", "k")).to.match(/^1765152000123\d{8}$/);
    expect(localSequenceNumber(1765152000123, "sess_a", "k")).to.equal(localSequenceNumber(1765152000123, "sess_a", "k"));
  });

  it("hands every stored event to the archiver in INSERT records of the batch size, then checkpoints", async () => {
    await post(["f1-a", "f1-b", "f1-c", "f1-d"], T0);
    const seen: string[][] = [];
    const report = await feeder(() => T0 + 1_000, seen).pass();
    expect([report.read, report.delivered, report.batches, report.givenUp]).to.deep.equal([4, 4, 2, 0]);
    expect(seen.map((b) => b.length)).to.deep.equal([3, 1]);
    expect(seen.flat()).to.deep.equal([...seen.flat()].sort());
    expect(await archivedIds()).to.deep.equal(["f1-a", "f1-b", "f1-c", "f1-d"]);
    expect(JSON.parse(readFileSync(path.join(dir, "archive-stream.json"), "utf8")).checkpoint).to.equal(T0 + 1_000);
  });

  it("re-reads the overlap, skips what this run handed over, and re-delivers it after a restart (at least once)", async () => {
    await post(["f2-a"], T0 + 60_000);
    const seen: string[][] = [];
    const running = feeder(() => T0 + 61_000, seen);
    await running.pass();
    await post(["f2-b"], T0 + 60_500); // received before the checkpoint, written after the pass read
    const second = await running.pass();
    expect([second.delivered]).to.deep.equal([1]);
    const restarted = await feeder(() => T0 + 62_000, seen).pass();
    expect(restarted.delivered).to.be.greaterThan(0); // the overlap again, as a restarted stream reader would
    expect((await archivedIds()).filter((id) => id.startsWith("f2-"))).to.deep.equal(["f2-a", "f2-b"]);
  });

  it("gives up on a batch the archiver keeps failing after MaximumRetryAttempts and parks it in the failure file", async () => {
    await post(["f3-a"], T0 + 120_000);
    let calls = 0;
    const failing: StreamHandler = async (event) => {
      calls++;
      return { batchItemFailures: [{ itemIdentifier: event.Records[0].dynamodb!.SequenceNumber! }] };
    };
    const report = await feeder(() => T0 + 121_000, [], failing).pass();
    expect(report.givenUp).to.be.greaterThan(0);
    // first try + MaximumRetryAttempts (the stack's archiveMaxRetryAttempts) for each batch
    expect(calls).to.be.at.least(1 + LOCAL_STREAM_READING.maximumRetryAttempts);
    const parked = readFileSync(path.join(dir, "archive-failures.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(
      parked.flatMap((p) => p.records.map((r: { dynamodb: { NewImage: { event_id: { S: string } } } }) => r.dynamodb.NewImage.event_id.S)),
    ).to.include("f3-a");
    expect(parked[0].attempts).to.equal(1 + LOCAL_STREAM_READING.maximumRetryAttempts);
  });
});
