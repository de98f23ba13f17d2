import { expect } from "chai";
import type { ArchiveFigures } from "../archive/lag-bench";
import type { MonthlyCost } from "./all-in";
import { archiveTableRows, goalRows } from "./report";

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

describe("npm run bench: the cost goals", () => {
  const month = (eventsPerMonth: number, monthlyUsd: number): MonthlyCost => ({
    stack: "prod",
    eventsPerMonth,
    lines: [],
    monthlyUsd,
    perMillionUsd: monthlyUsd / (eventsPerMonth / 1e6),
    freeTier: [{ item: "Dashboard free tier", arithmetic: "", usd: -3 }],
    perMillionWithFreeTierUsd: (monthlyUsd - 3) / (eventsPerMonth / 1e6),
  });

  it("judges issue 19's $1.50 at 10 M and issue 21's $1.25 at 10 M and 100 M on list prices, the free tier beside", () => {
    expect(goalRows({ prod: [month(1e6, 10), month(1e7, 14), month(1e8, 130)] })).to.deep.equal([
      "| cost goal | result (list prices) | goal | verdict |",
      "|---|---|---|---|",
      "| prod all-in at 10 M | **$1.4000** per million (with the dashboard free tier $1.1000) | ≤ $1.50 | met |",
      "| prod all-in at 10 M | **$1.4000** per million (with the dashboard free tier $1.1000) | ≤ $1.25 | **missed** by $1.50 a month |",
      "| prod all-in at 100 M | **$1.3000** per million (with the dashboard free tier $1.2700) | ≤ $1.25 | **missed** by $5.00 a month |",
    ]);
  });

  it("names the missing figure instead of judging without it", () => {
    expect(() => goalRows({ prod: [month(1e6, 10)] })).to.throw("no all-in figure for prod at 10000000 events a month");
  });
});
