import { expect } from "chai";
import type { ArchiveFigures } from "../archive/lag-bench";
import { archiveTableRows } from "./report";

const figures = (missing: number): ArchiveFigures => ({
  encode: {
    events: 20_000,
    encode_ms_median: 2290.4,
    events_per_second: 8732,
    parquet_bytes_per_event_batch: 43.4,
    parquet_bytes_per_event_compacted: 39,
    dynamodb_item_bytes: 535.2,
  },
  scan: {
    month_events: 600_000,
    query: "SELECT dt, count(*) FROM events WHERE event_type = 'page_view' AND dt BETWEEN <30 days> GROUP BY dt",
    bytes_scanned: 153_060,
    bytes_scanned_per_million_events: 255_100,
    all_columns_bytes: 23_400_000,
  },
  lag: { window_s: 30, acknowledged: 7960, queryable: 7960 - missing, missing, lag_p50_ms: 19_600, lag_p99_ms: 30_700, lag_max_ms: 31_200 },
});

describe("npm run bench: the archive table", () => {
  it("prints Parquet bytes per event, the 30-day scan and the lag p50/p99 as one markdown table", () => {
    expect(archiveTableRows(figures(0))).to.deep.equal([
      "| archive (local mode) | result | goal | verdict |",
      "|---|---|---|---|",
      "| encode (20000 events, batches of 1000) | 8,732 events/s (median 2290.4 ms) | — | — |",
      "| Parquet bytes/event, batch objects | 43.4 B | — | — |",
      "| Parquet bytes/event, compacted day | 39 B | — | — |",
      "| DynamoDB item bytes/event (same events) | 535.2 B | — | — |",
      "| page views per day, 30 days, 600,000 events | 153,060 B read (255,100 B per million events; all columns 23,400,000 B) | — | — |",
      "| lag ack → queryable, window 30 s (7960 events, 0 missing) | p50 19600 ms, p99 30700 ms, max 31200 ms | 0 missing | met |",
    ]);
  });

  it("marks the lag row missed when an acknowledged event never became queryable", () => {
    const last = archiveTableRows(figures(2)).at(-1);
    expect(last).to.equal(
      "| lag ack → queryable, window 30 s (7960 events, 2 missing) | p50 19600 ms, p99 30700 ms, max 31200 ms | 0 missing | **missed** |",
    );
  });
});
