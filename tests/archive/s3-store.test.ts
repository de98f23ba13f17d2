import { expect } from "chai";
import { archiveBatch } from "../../functions/archive/archive-batch";
import { compactDay } from "../../functions/archive/compact";
import { decodeParquet } from "../../functions/archive/decode";
import { s3Store } from "../../functions/archive/s3-store";
import { memoryBucket } from "../support/s3-memory";
import { eventImage, sequence, streamRecord } from "./rows";

const T = Date.UTC(2026, 11, 6, 12);
const records = (n: number) =>
  Array.from({ length: n }, (_, i) => streamRecord(eventImage({ session: "sess_s3", eventId: `evt_${i}`, timestamp: T + i }), sequence(i)));

describe("the S3 store through the real S3Client", () => {
  it("puts, lists page by page, gets and deletes objects under their keys", async () => {
    const bucket = memoryBucket("archive", {}, 2);
    const store = s3Store(bucket.client(), "archive");
    for (const day of ["2026-12-05", "2026-12-06", "2026-12-07"])
      await store.put(`events/dt=${day}/b-1.parquet`, new Uint8Array([1, 2, 3]));
    expect(await store.list("events/")).to.deep.equal([
      "events/dt=2026-12-05/b-1.parquet",
      "events/dt=2026-12-06/b-1.parquet",
      "events/dt=2026-12-07/b-1.parquet",
    ]);
    expect([...(await store.get("events/dt=2026-12-06/b-1.parquet"))]).to.deep.equal([1, 2, 3]);
    await store.delete(["events/dt=2026-12-05/b-1.parquet", "events/dt=2026-12-01/none.parquet"]);
    expect([...bucket.objects.keys()]).to.deep.equal(["events/dt=2026-12-06/b-1.parquet", "events/dt=2026-12-07/b-1.parquet"]);
  });

  it("archives and compacts a day in the bucket as in a directory", async () => {
    const bucket = memoryBucket("archive");
    const store = s3Store(bucket.client(), "archive");
    await archiveBatch(records(5), store);
    await archiveBatch(records(5).slice(3), store);
    const day = await compactDay(store, "2026-12-06");
    expect([day.rowsRead, day.rowsWritten, bucket.objects.size]).to.deep.equal([7, 5, 1]);
    const [key] = bucket.objects.keys();
    expect((await decodeParquet(bucket.objects.get(key)!, key)).map((r) => r.event_id)).to.deep.equal(
      [0, 1, 2, 3, 4].map((i) => `evt_${i}`),
    );
  });

  it("rides out failing PutObjects inside the SDK's retries (500 InternalError)", async () => {
    const bucket = memoryBucket("archive", { putFailureRate: 0.5, seed: 3 });
    const days = Array.from({ length: 8 }, (_, d) =>
      streamRecord(eventImage({ session: "sess_s3", eventId: `evt_day${d}`, timestamp: T + d * 86_400_000 }), sequence(d)),
    );
    const report = await archiveBatch(days, s3Store(bucket.client(10), "archive"));
    expect(report.batchItemFailures).to.deep.equal([]);
    expect(bucket.stats.putFailures).to.be.greaterThan(0);
    expect(bucket.stats.putAttempts).to.equal(8 + bucket.stats.putFailures);
    expect(bucket.objects.size).to.equal(8);
  });

  it("reports the day's records when S3 stays down past the SDK's retries, and writes nothing half", async () => {
    const bucket = memoryBucket("archive", { down: true });
    const report = await archiveBatch(records(3), s3Store(bucket.client(2), "archive"));
    expect(report.batchItemFailures.map((f) => f.itemIdentifier)).to.deep.equal([sequence(0), sequence(1), sequence(2)]);
    expect(report.failedObjects[0].reason).to.match(/^SlowDown: /);
    expect([bucket.stats.requests, bucket.objects.size]).to.deep.equal([2, 0]);
  });
});
