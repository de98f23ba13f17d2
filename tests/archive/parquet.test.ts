import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { ARCHIVE_COLUMNS } from "../../contracts/archive";
import { encodeParquet } from "../../functions/archive/parquet";
import { rowsOf, withDuck } from "./duck";
import { sampleRow } from "./rows";

describe("archive Parquet encoding (read back with DuckDB)", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "li-parquet-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, bytes: Uint8Array) => {
    const file = path.join(dir, name);
    writeFileSync(file, bytes);
    return file.replaceAll("'", "''");
  };

  it("writes one typed column per Events attribute, in the contract's order", async () => {
    const file = write("types.parquet", encodeParquet([sampleRow()]));
    const described = await withDuck((c) => rowsOf(c, `DESCRIBE SELECT * FROM read_parquet('${file}')`));
    const expected: Record<string, string> = { STRING: "VARCHAR", JSON: "VARCHAR", TIMESTAMP: "TIMESTAMP", INT64: "BIGINT" };
    expect(described.map((d) => [d.column_name, d.column_type])).to.deep.equal(ARCHIVE_COLUMNS.map((c) => [c.name, expected[c.type]]));
  });

  it("marks required columns REQUIRED and optional ones OPTIONAL, compressed with Snappy", async () => {
    const file = write("meta.parquet", encodeParquet([sampleRow()]));
    const meta = await withDuck((c) =>
      rowsOf(c, `SELECT name, repetition_type FROM parquet_schema('${file}') WHERE name <> 'root' ORDER BY name`),
    );
    const expected = ARCHIVE_COLUMNS.map((c) => ({ name: c.name, repetition_type: c.nullable ? "OPTIONAL" : "REQUIRED" }));
    expect(meta).to.deep.equal(expected.sort((a, b) => a.name.localeCompare(b.name)));
    const codecs = await withDuck((c) => rowsOf(c, `SELECT DISTINCT compression FROM parquet_metadata('${file}')`));
    expect(codecs).to.deep.equal([{ compression: "SNAPPY" }]);
  });

  it("reads back every value exactly: nulls, unicode, times to the millisecond, exact property numbers", async () => {
    const rows = [
      sampleRow(),
      sampleRow({
        site_id: "shop-eu",
        session_id: "sess_1765152001000_ffffffff",
        event_key: "1765152001999#evt_x",
        event_id: "evt_x",
        timestamp: 1765152001999,
        event_type: "custom",
        page_url: null,
        referrer: "https://ex.com/ü?q=“quoted”",
        user_agent: null,
        ip_prefix: null,
        properties: '{"big":12345678901234567890,"plan":"pro","ratio":0.1}',
        received_at: 1765152002000,
        client_timestamp: 946684800000,
        expires_at: 1765756801,
      }),
    ];
    const file = write("values.parquet", encodeParquet(rows));
    const back = await withDuck((c) =>
      rowsOf(
        c,
        `SELECT * REPLACE (epoch_ms("timestamp")::DOUBLE AS "timestamp", epoch_ms(received_at)::DOUBLE AS received_at,
           epoch_ms(client_timestamp)::DOUBLE AS client_timestamp, expires_at::DOUBLE AS expires_at),
           json_extract_string(properties, '$.big') AS big
         FROM read_parquet('${file}') ORDER BY event_key`,
      ),
    );
    expect(back).to.deep.equal(rows.map((r) => ({ ...r, big: r.properties.includes("big") ? "12345678901234567890" : null })));
  });

  it("refuses to write an empty file", () => {
    expect(() => encodeParquet([])).to.throw("encodeParquet: no rows");
  });
});
