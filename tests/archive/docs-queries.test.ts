/**
 * The example queries of docs/archive.md (its ```sql blocks), run on DuckDB over files the archiver
 * wrote, including redelivered batches; each result is compared with the same figure computed from
 * the events in JavaScript. A new example without an expectation here fails the test.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { archiveBatch } from "../../functions/archive/archive-batch";
import { directoryStore } from "../../functions/archive/fs-store";
import { dayOf } from "../../functions/archive/naming";
import { DIALECTS } from "../../functions/archive/query-sql";
import { openArchiveQuery } from "../../local/archive-query";
import { createRng } from "../../scripts/lib/rng";
import { eventImage, sequence, streamRecord } from "./rows";

const ROOT = path.resolve(__dirname, "../..");
const examples = new Map(
  [...readFileSync(path.join(ROOT, "docs/archive.md"), "utf8").matchAll(/```sql\n-- example: ([^\n]+)\n([\s\S]*?)```/g)].map((m) => [
    m[1],
    m[2].trim(),
  ]),
);

interface Event {
  id: string;
  site: string;
  session: string;
  user: string;
  type: string;
  page?: string;
  element?: string;
  t: number;
}

function dataset(): Event[] {
  const random = createRng(5);
  const pages = [
    "https://shop.example.com/",
    "https://shop.example.com/cart",
    "https://shop.example.com/p/1",
    "https://shop.example.com/p/2",
  ];
  const start = Date.UTC(2026, 11, 5);
  return Array.from({ length: 300 }, (_, i) => {
    const type = random() < 0.6 ? "page_view" : "click";
    return {
      id: `evt_${i}`,
      site: i % 5 === 0 ? "blog" : "shop",
      session: `sess_${i % 23}`,
      user: `user_${i % 11}`,
      type,
      page: type === "page_view" ? pages[Math.floor(random() * pages.length)] : undefined,
      element: type === "click" ? ["buy", "nav", "search"][i % 3] : undefined,
      t: start + Math.floor(random() * 3 * 86_400_000),
    };
  });
}

function countBy<T>(items: T[], key: (t: T) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const item of items) out.set(key(item), (out.get(key(item)) ?? 0) + 1);
  return out;
}

const hourText = (t: number) => `${new Date(Math.floor(t / 3_600_000) * 3_600_000).toISOString().slice(0, 19).replace("T", " ")}`;
const byCountThenName = (a: [string, number], b: [string, number]) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1);

/** What each documented example must answer, computed from the events. */
function expectations(events: Event[]): Record<string, unknown[][]> {
  const views = events.filter((e) => e.type === "page_view");
  const days = [...new Set(events.map((e) => dayOf(e.t)))].sort();
  const dec7 = events.filter((e) => dayOf(e.t) === "2026-12-07");
  const hours = [...countBy(dec7, (e) => `${e.site}|${hourText(e.t)}`)].sort(([a], [b]) => (a < b ? -1 : 1));
  return {
    "page views per day": [...countBy(views, (e) => dayOf(e.t))].sort().map(([d, n]) => [d, String(n)]),
    "visitors and sessions per day of one site": days.map((d) => {
      const of = events.filter((e) => dayOf(e.t) === d && e.site === "shop");
      return [d, String(new Set(of.map((e) => e.user)).size), String(new Set(of.map((e) => e.session)).size)];
    }),
    "top pages": [...countBy(views, (e) => e.page!)]
      .sort(byCountThenName)
      .slice(0, 10)
      .map(([p, n]) => [p, String(n)]),
    "events per hour of one day, per site": hours.map(([k, n]) => [...k.split("|"), String(n)]),
    "clicks by element (a property)": [
      ...countBy(
        events.filter((e) => e.type === "click"),
        (e) => e.element!,
      ),
    ]
      .sort(byCountThenName)
      .map(([el, n]) => [el, String(n)]),
  };
}

describe("docs/archive.md example queries on DuckDB over archived files", () => {
  let dir: string;
  const events = dataset();
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "li-docsql-"));
    const store = directoryStore(dir);
    const records = events.map((e, i) => {
      const image = eventImage({ session: e.session, eventId: e.id, timestamp: e.t, site: e.site, page: e.page });
      image.user_id = { S: e.user };
      image.event_type = { S: e.type };
      if (e.element) image.properties = { M: { element_id: { S: e.element } } };
      return streamRecord(image, sequence(i));
    });
    for (let i = 0; i < records.length; i += 40) await archiveBatch(records.slice(i, i + 40), store);
    await archiveBatch(records.slice(35, 95), store); // a redelivered stretch: duplicates in the files
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("documents exactly the examples this test checks", () => {
    expect([...examples.keys()]).to.deep.equal(Object.keys(expectations(events)));
  });

  for (const [name, expected] of Object.entries(expectations(dataset())))
    it(`"${name}" answers what the events say`, async () => {
      const engine = await openArchiveQuery(dir);
      try {
        const { rows } = await engine.query(examples.get(name)!);
        const text = rows.map((r) => r.map((v) => (v === null ? null : String(v).replace(/\.000$/, ""))));
        expect(text).to.deep.equal(expected);
      } finally {
        engine.close();
      }
    });

  it("switches the one dialect difference: a property's text", () => {
    expect(DIALECTS.duckdb.jsonText("properties", "$.element_id")).to.equal("json_extract_string(properties, '$.element_id')");
    expect(DIALECTS.athena.jsonText("properties", "$.element_id")).to.equal("json_extract_scalar(properties, '$.element_id')");
    expect(examples.get("clicks by element (a property)")).to.include(DIALECTS.duckdb.jsonText("properties", "$.element_id"));
  });
});
