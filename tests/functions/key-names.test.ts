/**
 * Every key name that is valid JSON is stored exactly or refused with a 400 before any write,
 * never a 5xx (docs/api.md, properties). The names of Object.prototype are the ones a JavaScript
 * pipeline trips on: `constructor` made the marshaller throw after the Sessions rows were written.
 * `__proto__` is refused (JSON.parse gives it as an own key, but any plain object it is copied
 * into turns it into a prototype, so it cannot round-trip); every other name is stored.
 */
import { expect } from "chai";
import fc from "fast-check";
import type { TableNames } from "../../contracts/tables";
import { handleCollect } from "../../functions/core/collect";
import { fixedClock, postEvents, scanAll, storedEvents, testDeps } from "../support/collector";
import { startDynamo, type TestDynamo } from "../support/dynalite";

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);
const STORED_NAMES = PROTOTYPE_NAMES.filter((n) => n !== "__proto__");

/** A body as JSON text, so names such as `__proto__` reach the server as a browser sends them. */
const eventJson = (id: string, extra: string) =>
  `{"event_type":"click","event_id":"${id}","session_id":"s","timestamp":${NOW}${extra ? `,${extra}` : ""}}`;
const pair = (name: string, value: string) => `${JSON.stringify(name)}:${value}`;

describe("key names: every JSON-valid name is stored exactly or refused with 400, never a 5xx", () => {
  let dynamo: TestDynamo;
  let tables: TableNames;
  before(async () => (dynamo = await startDynamo()));
  after(async () => dynamo.close());
  beforeEach(async () => (tables = await dynamo.freshTables()));

  const post = (body: string) => handleCollect({ ...postEvents({}), body }, testDeps(dynamo.client(), tables), fixedClock(NOW));
  const allEmpty = async () => {
    for (const table of Object.values(tables)) expect(await scanAll(dynamo.client(), table), table).to.deep.equal([]);
  };

  it("covers the whole of Object.prototype (so a new name is tested the day it appears)", () => {
    expect(PROTOTYPE_NAMES).to.include.members(["constructor", "toString", "hasOwnProperty", "valueOf", "__proto__", "isPrototypeOf"]);
    expect(STORED_NAMES).to.have.length(PROTOTYPE_NAMES.length - 1);
  });

  it("stores every Object.prototype name but __proto__ exactly, as a property and as a folded top-level field", async () => {
    const events = STORED_NAMES.flatMap((name, i) => [
      eventJson(`p${i}`, `"properties":{${pair(name, '"v"')},"n":1}`),
      eventJson(`f${i}`, `${pair(name, "true")},${pair("x", "2.5")}`),
    ]);
    const out = await post(`{"events":[${events.join(",")}]}`);
    expect([out.result.statusCode, out.error]).to.deep.equal([200, undefined]);
    const stored = new Map((await storedEvents(dynamo.client(), tables.events)).map((e) => [e.event_id, e.properties as object]));
    expect(stored.size).to.equal(events.length);
    STORED_NAMES.forEach((name, i) => {
      expect(Object.entries(stored.get(`p${i}`)!), name).to.deep.equal([
        [name, "v"],
        ["n", 1],
      ]);
      expect(Object.entries(stored.get(`f${i}`)!).sort(), name).to.deep.equal(
        [
          [name, true],
          ["x", 2.5],
        ].sort(),
      );
    });
  });

  it("refuses __proto__ as a property or a folded field with 400 naming it, and writes nothing of the batch", async () => {
    const body = `{"events":[${eventJson("ok", `"properties":{"constructor":"fine"}`)},${eventJson("a", `"properties":{"__proto__":"x"}`)},${eventJson("b", `"__proto__":1`)}]}`;
    const out = await post(body);
    expect(out.result.statusCode).to.equal(400);
    expect(JSON.parse(out.result.body).details).to.deep.equal([
      { index: 1, field: "properties.__proto__", problem: "key __proto__ is reserved" },
      { index: 2, field: "__proto__", problem: "key __proto__ is reserved" },
    ]);
    await allEmpty();
  });

  it("answers 200 with every name stored exactly, or 400 with nothing written, for generated key names (fast-check)", async () => {
    const name = fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES), fc.string({ unit: "grapheme", minLength: 0, maxLength: 70 }), fc.string());
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(name, { minLength: 1, maxLength: 5 }), fc.boolean(), async (names, folded) => {
        tables = await dynamo.freshTables();
        const fields = names.map((n, i) => pair(n, String(i))).join(",");
        const out = await post(eventJson("g", folded ? fields : `"properties":{${fields}}`));
        expect(out.result.statusCode, out.result.body).to.be.oneOf([200, 400]);
        if (out.result.statusCode === 400) return allEmpty();
        const [event] = await storedEvents(dynamo.client(), tables.events);
        expect(new Map(Object.entries(event.properties as object))).to.deep.equal(new Map(names.map((n, i) => [n, i])));
      }),
      { numRuns: 60 },
    );
  });
});
