import { expect } from "chai";
import { duplicateProblems } from "../../functions/core/duplicates";
import { ClientError } from "../../functions/core/errors";
import { dynamoNumber, unstorableNumberProblem } from "../../functions/core/numbers";
import { type HttpRequest, parseEvents } from "../../functions/core/request";
import { LIMITS, type Problem } from "../../functions/core/validate";

const request = (body: unknown, headers: Record<string, string> = { "content-type": "application/json" }): HttpRequest => ({
  method: "POST",
  path: "/events",
  headers,
  body: typeof body === "string" ? body : JSON.stringify(body),
  requestId: "r1",
});

function refusal(body: unknown, headers?: Record<string, string>): ClientError {
  try {
    parseEvents(request(body, headers));
  } catch (error) {
    if (error instanceof ClientError) return error;
    throw error;
  }
  throw new Error("expected the request to be refused");
}

const details = (body: unknown) => refusal(body).details as Problem[];
const base = { event_type: "page_view" };

const TIMESTAMP_RANGE = `must be an integer epoch time in milliseconds in [0, ${LIMITS.timestampMax}]`;
const OUT_OF_RANGE = "is outside the range DynamoDB stores (0, or a magnitude from 1e-130 to 9.99…e125)";

describe("request validation (docs/api.md)", () => {
  it("accepts a minimal event and a batch", () => {
    expect(parseEvents(request(base)).events).to.have.length(1);
    expect(parseEvents(request(base)).batch).to.equal(false);
    const batch = parseEvents(request({ events: [base, { event_type: "click" }] }));
    expect(batch.batch).to.equal(true);
    expect(batch.events.map((e) => e.event_type)).to.deep.equal(["page_view", "click"]);
  });

  it("parses text/plain (sendBeacon) and a missing content type as JSON, refuses others with 415", () => {
    expect(parseEvents(request(base, { "content-type": "text/plain;charset=UTF-8" })).events).to.have.length(1);
    expect(parseEvents(request(base, {})).events).to.have.length(1);
    const e = refusal(base, { "content-type": "application/x-www-form-urlencoded" });
    expect([e.statusCode, e.code]).to.deep.equal([415, "UnsupportedMediaType"]);
  });

  const cases: [string, Record<string, unknown>, Problem][] = [
    ["event_type is required", {}, { index: 0, field: "event_type", problem: "is required" }],
    [
      "event_type pattern",
      { event_type: "PageView" },
      { index: 0, field: "event_type", problem: "must match ^[a-z][a-z0-9_]{0,63}$ (for example page_view)" },
    ],
    [
      "event_type length",
      { event_type: "a".repeat(65) },
      { index: 0, field: "event_type", problem: "must match ^[a-z][a-z0-9_]{0,63}$ (for example page_view)" },
    ],
    ["page_url absolute", { ...base, page_url: "/relative" }, { index: 0, field: "page_url", problem: "must be an absolute http(s) URL" }],
    [
      "page_url scheme",
      { ...base, page_url: "javascript:alert(1)" },
      { index: 0, field: "page_url", problem: "must be an absolute http(s) URL" },
    ],
    [
      "page_url length",
      { ...base, page_url: `https://e.com/${"a".repeat(2040)}` },
      { index: 0, field: "page_url", problem: "is 2054 characters long; at most 2048 allowed" },
    ],
    [
      "user_id charset",
      { ...base, user_id: "a b" },
      { index: 0, field: "user_id", problem: "must be 1-128 characters of A-Z, a-z, 0-9, '_', '.', ':' or '-'" },
    ],
    [
      "user_id length",
      { ...base, user_id: "u".repeat(129) },
      { index: 0, field: "user_id", problem: "must be 1-128 characters of A-Z, a-z, 0-9, '_', '.', ':' or '-'" },
    ],
    [
      "session_id empty",
      { ...base, session_id: "" },
      { index: 0, field: "session_id", problem: "must be 1-128 characters of A-Z, a-z, 0-9, '_', '.', ':' or '-'" },
    ],
    [
      "event_id control character",
      { ...base, event_id: "e\u0000" },
      { index: 0, field: "event_id", problem: "must be 1-128 characters of A-Z, a-z, 0-9, '_', '.', ':' or '-'" },
    ],
    ["event_id type", { ...base, event_id: 5 }, { index: 0, field: "event_id", problem: "must be a string" }],
    ["timestamp integer", { ...base, timestamp: 1.5 }, { index: 0, field: "timestamp", problem: TIMESTAMP_RANGE }],
    ["timestamp type", { ...base, timestamp: "1700000000000" }, { index: 0, field: "timestamp", problem: TIMESTAMP_RANGE }],
    ["timestamp below 0", { ...base, timestamp: -1 }, { index: 0, field: "timestamp", problem: TIMESTAMP_RANGE }],
    ["timestamp of 14 digits", { ...base, timestamp: 10_000_000_000_000 }, { index: 0, field: "timestamp", problem: TIMESTAMP_RANGE }],
    ["timestamp 2^53-1", { ...base, timestamp: Number.MAX_SAFE_INTEGER }, { index: 0, field: "timestamp", problem: TIMESTAMP_RANGE }],
    ["timestamp past 2^53", { ...base, timestamp: 2 ** 60 }, { index: 0, field: "timestamp", problem: TIMESTAMP_RANGE }],
    [
      "referrer length",
      { ...base, referrer: "r".repeat(2049) },
      { index: 0, field: "referrer", problem: "is 2049 characters long; at most 2048 allowed" },
    ],
    [
      "user_agent length",
      { ...base, user_agent: "u".repeat(513) },
      { index: 0, field: "user_agent", problem: "is 513 characters long; at most 512 allowed" },
    ],
    [
      "properties flat",
      { ...base, properties: { a: { b: 1 } } },
      { index: 0, field: "properties.a", problem: "must be a string, number or boolean" },
    ],
    ["properties object", { ...base, properties: [1] }, { index: 0, field: "properties", problem: "must be a flat JSON object" }],
    [
      "properties keys",
      { ...base, properties: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i])) },
      { index: 0, field: "properties", problem: "has 21 keys (including folded top-level fields); at most 20 allowed" },
    ],
    [
      "properties bytes",
      { ...base, properties: { a: "x".repeat(2100) } },
      { index: 0, field: "properties", problem: "is 2108 bytes serialized; at most 2048 allowed" },
    ],
    ["unknown non-scalar field", { ...base, cart: [1, 2] }, { index: 0, field: "cart", problem: "must be a string, number or boolean" }],
    ["unknown null field", { ...base, extra: null }, { index: 0, field: "extra", problem: "must be a string, number or boolean" }],
    [
      "__proto__ key",
      JSON.parse('{"event_type":"click","properties":{"__proto__":"x"}}'),
      { index: 0, field: "properties.__proto__", problem: "key __proto__ is reserved" },
    ],
    [
      "conflicting folded field",
      { ...base, plan: "a", properties: { plan: "b" } },
      { index: 0, field: "plan", problem: "conflicts with properties.plan" },
    ],
    [
      "property number above DynamoDB's range",
      { ...base, properties: { big: 1e126 } },
      { index: 0, field: "properties.big", problem: OUT_OF_RANGE },
    ],
    [
      "property number below DynamoDB's range",
      { ...base, properties: { tiny: 5e-324 } },
      { index: 0, field: "properties.tiny", problem: OUT_OF_RANGE },
    ],
    [
      "negative number below DynamoDB's range",
      { ...base, properties: { tiny: -1e-131 } },
      { index: 0, field: "properties.tiny", problem: OUT_OF_RANGE },
    ],
    ["folded number above DynamoDB's range", { ...base, price: 1e300 }, { index: 0, field: "price", problem: OUT_OF_RANGE }],
    [
      "lone surrogate in a property value",
      { ...base, properties: { name: "a\ud800b" } },
      { index: 0, field: "properties.name", problem: "must be well-formed Unicode (no lone surrogate)" },
    ],
    [
      "lone surrogate in referrer",
      { ...base, referrer: "\udc00" },
      { index: 0, field: "referrer", problem: "must be well-formed Unicode (no lone surrogate)" },
    ],
  ];
  for (const [name, event, expected] of cases) {
    it(`rejects ${name} with the exact detail`, () => {
      const error = refusal(event);
      expect([error.statusCode, error.code]).to.deep.equal([400, "ValidationError"]);
      expect(error.details).to.deep.equal([expected]);
    });
  }

  it("accepts every field at its limit", () => {
    const event = {
      event_type: "a".repeat(64),
      page_url: `https://e.com/${"a".repeat(2048 - 14)}`,
      user_id: "u".repeat(128),
      session_id: "s.s:s-s_1",
      event_id: "e",
      timestamp: 1_700_000_000_000,
      referrer: "r".repeat(2048),
      user_agent: "u".repeat(512),
      properties: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i % 2 ? "v" : true])),
    };
    expect(() => parseEvents(request(event))).not.to.throw();
  });

  it("accepts the timestamp range's edges 0 and 9999999999999 (13 digits, the width of every event_key)", () => {
    expect(LIMITS.timestampMax).to.equal(9_999_999_999_999);
    const events = parseEvents(
      request({
        events: [
          { ...base, timestamp: 0 },
          { ...base, timestamp: 9_999_999_999_999 },
        ],
      }),
    ).events;
    expect(events.map((e) => e.timestamp)).to.deep.equal([0, 9_999_999_999_999]);
  });

  it("folds unknown top-level scalars into properties and treats null known fields as absent", () => {
    const [event] = parseEvents(
      request({ ...base, element_id: "buy", price: 9.5, vip: false, page_url: null, properties: { a: 1 } }),
    ).events;
    expect(event.properties).to.deep.equal([
      ["a", 1],
      ["element_id", "buy"],
      ["price", 9.5],
      ["vip", false],
    ]);
    expect(event.page_url).to.equal(undefined);
  });

  it("keeps a __proto__ key from polluting anything when refused", () => {
    refusal('{"event_type":"click","__proto__":{"polluted":true}}');
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });

  it("reports every problem of every event, indexed, and refuses the whole batch", () => {
    const error = refusal({ events: [base, { event_type: "X" }, { page_url: "nope" }] });
    expect(error.details).to.deep.equal([
      { index: 1, field: "event_type", problem: "must match ^[a-z][a-z0-9_]{0,63}$ (for example page_view)" },
      { index: 2, field: "event_type", problem: "is required" },
      { index: 2, field: "page_url", problem: "must be an absolute http(s) URL" },
    ]);
    expect(error.message).to.equal(
      "Invalid event, nothing was stored: event 1: event_type must match ^[a-z][a-z0-9_]{0,63}$ (for example page_view) (3 problems in all; see details).",
    );
    expect(error.rejectedEvents).to.equal(3);
  });

  it("refuses malformed batches, non-objects, bad JSON, empty bodies and oversize bodies and events", () => {
    expect(details({ events: [] })).to.deep.equal([{ field: "events", problem: "must be an array of 1 to 100 events" }]);
    expect(details({ events: Array(101).fill(base) })).to.deep.equal([{ field: "events", problem: "must be an array of 1 to 100 events" }]);
    expect(details({ events: [base], extra: 1 })).to.deep.equal([{ field: "extra", problem: 'is not allowed next to "events"' }]);
    expect(details([base])).to.deep.equal([{ field: "(body)", problem: "must be a JSON object" }]);
    expect(details({ events: ["x"] })).to.deep.equal([{ index: 0, field: "(event)", problem: "must be a JSON object" }]);
    expect(refusal("{nope").code).to.equal("InvalidJSON");
    expect(refusal("").message).to.equal('The request body is empty; send one event object or {"events": [...]}.');
    const big = refusal({ ...base, pad: "x".repeat(LIMITS.bodyBytes) });
    expect([big.statusCode, big.code]).to.deep.equal([413, "PayloadTooLarge"]);
    expect(details({ ...base, pad: "x".repeat(8200) })).to.deep.equal([
      { index: 0, field: "(event)", problem: "is 8235 bytes serialized; at most 8192 allowed" },
    ]);
  });

  it("decodes base64 bodies from the gateway", () => {
    const req = { ...request(base), body: Buffer.from(JSON.stringify(base)).toString("base64"), isBase64Encoded: true };
    expect(parseEvents(req).events[0].event_type).to.equal("page_view");
  });
});

describe("storable numbers and duplicate events (docs/api.md)", () => {
  it("accepts the edges of DynamoDB's number range and refuses just past them", () => {
    for (const ok of [0, -0, 1e-130, -1e-130, 9.99e125, -9.99e125, 0.1 + 0.2, Number.MAX_VALUE / 1e183])
      expect(unstorableNumberProblem(ok), String(ok)).to.equal(undefined);
    for (const bad of [1e126, -1e126, 1e-131, 5e-324, Number.MAX_VALUE, Infinity, NaN])
      expect(unstorableNumberProblem(bad), String(bad)).to.be.a("string");
  });

  it("writes numbers in plain decimal, exactly", () => {
    expect([1e21, -2.5e22, 1.5e-7, 123.25, 0, 1e-130].map(dynamoNumber)).to.deep.equal([
      "1000000000000000000000",
      "-25000000000000000000000",
      "0.00000015",
      "123.25",
      "0",
      `0.${"0".repeat(129)}1`,
    ]);
    for (const n of [1e21, 1.5e-7, 9.99e125, 1.2345e-100]) expect(Number(dynamoNumber(n))).to.equal(n);
  });

  it("names both indexes of a repeated event_id + timestamp, and of an event_id repeated without a timestamp", () => {
    const events = [
      { index: 0, event_type: "click", event_id: "a", timestamp: 5, properties: [] },
      { index: 1, event_type: "click", event_id: "a", timestamp: 6, properties: [] },
      { index: 2, event_type: "click", event_id: "a", timestamp: 5, properties: [] },
      { index: 3, event_type: "click", event_id: "b", properties: [] },
      { index: 4, event_type: "click", event_id: "b", properties: [] },
      { index: 5, event_type: "click", properties: [] },
      { index: 6, event_type: "click", properties: [] },
    ];
    expect(duplicateProblems(events)).to.deep.equal([
      { index: 2, field: "event_id", problem: "repeats event 0 (same event_id and timestamp); send each event once" },
      { index: 4, field: "event_id", problem: "repeats event 3 (same event_id and timestamp); send each event once" },
    ]);
  });
});
