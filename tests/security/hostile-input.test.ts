/**
 * Hostile input against the request parser (docs/api.md): whatever arrives, parseEvents either
 * accepts it or throws a ClientError that maps to a documented 4xx body — never anything else,
 * which would become a 500 and, worse, an unbounded cost per request.
 */
import { expect } from "chai";
import fc from "fast-check";
import { ClientError, clientErrorResult } from "../../functions/core/errors";
import { type HttpRequest, type ParsedEvents, parseEvents } from "../../functions/core/request";
import { LIMITS } from "../../functions/core/validate";
import { HOSTILE_BODIES } from "../bench/hostile";
import { collect, scanAll, testDeps } from "../support/collector";
import { startDynamo, type TestDynamo } from "../support/dynalite";

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);

const RUNS = { numRuns: 300 };
const CONTENT_TYPES = [
  undefined,
  "application/json",
  "text/plain;charset=UTF-8",
  "application/vnd.api+json",
  "application/octet-stream",
  "text/html",
  "",
];

function request(body: string, contentType: string | undefined = "application/json", isBase64Encoded = false): HttpRequest {
  const headers: Record<string, string | undefined> = contentType === undefined ? {} : { "content-type": contentType };
  return { method: "POST", path: "/events", headers, body, isBase64Encoded, sourceIp: "198.51.100.23", requestId: "req-hostile" };
}

type Attempt = { ok: ParsedEvents } | { error: ClientError };

/** Runs the parser and fails the property on anything but success or a ClientError. */
function attempt(req: HttpRequest): Attempt {
  try {
    return { ok: parseEvents(req) };
  } catch (error) {
    if (!(error instanceof ClientError)) throw new Error(`non-client error escaped: ${String(error)}`);
    return { error };
  }
}

/** The documented 4xx shapes: {error, message[, details]} and nothing else. */
function expectDocumentedRefusal(error: ClientError): void {
  expect([400, 413, 415]).to.include(error.statusCode);
  const result = clientErrorResult(error);
  expect(result.statusCode).to.equal(error.statusCode);
  const body = JSON.parse(result.body);
  expect(Object.keys(body).sort().join(",")).to.be.oneOf(["error,message", "details,error,message"]);
  expect(body.error)
    .to.be.a("string")
    .and.match(/^[A-Za-z]+$/);
  expect(body.message)
    .to.be.a("string")
    .and.not.match(/\n\s+at /); // no stack traces
  if (body.details !== undefined) {
    expect(body.details).to.be.an("array").that.is.not.empty;
    for (const d of body.details) {
      expect(d.field).to.be.a("string");
      expect(d.problem).to.be.a("string");
    }
  }
}

function expectAcceptedOrRefused(req: HttpRequest): Attempt {
  const outcome = attempt(req);
  if ("error" in outcome) expectDocumentedRefusal(outcome.error);
  else expect(outcome.ok.events.length).to.be.within(1, LIMITS.batchMax);
  return outcome;
}

/** JSON text built from entries, so keys such as `__proto__` become own data keys as on the wire. */
const objectText = (entries: [string, unknown][]) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(",")}}`;

const eventLike = fc.record(
  {
    event_type: fc.oneof(fc.constantFrom("page_view", "click", "x"), fc.string()),
    page_url: fc.oneof(fc.webUrl(), fc.string()),
    user_id: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_.:-]{1,16}$/), fc.string()),
    event_id: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_.:-]{1,16}$/), fc.jsonValue()),
    timestamp: fc.oneof(fc.integer({ min: 0 }), fc.double(), fc.jsonValue()),
    properties: fc.oneof(fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer(), fc.boolean())), fc.jsonValue()),
  },
  { requiredKeys: [] },
);

/** Events every field of which is valid, so each run's batches reach the success path too, not by chance alone. */
const validEvent = fc.record({
  event_type: fc.constantFrom("page_view", "click"),
  page_url: fc.webUrl(),
  user_id: fc.stringMatching(/^[A-Za-z0-9_.:-]{1,16}$/),
  event_id: fc.stringMatching(/^[A-Za-z0-9_.:-]{1,16}$/),
  timestamp: fc.integer({ min: 0, max: 9_999_999_999_999 }),
});

describe("hostile input: parseEvents", () => {
  it("answers arbitrary JSON values with success or a documented 400/413/415", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(...CONTENT_TYPES), (value, type) => {
        expectAcceptedOrRefused(request(JSON.stringify(value) ?? "", type));
      }),
      RUNS,
    );
  });

  it("answers event-shaped objects and batches of them with success or a documented 400", () => {
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.oneof(eventLike, validEvent, fc.record({ events: fc.array(fc.oneof(eventLike, validEvent), { maxLength: 120 }) })),
        (value) => {
          const outcome = expectAcceptedOrRefused(request(JSON.stringify(value)));
          if ("ok" in outcome) accepted++;
          else expect(outcome.error.statusCode).to.equal(400);
        },
      ),
      RUNS,
    );
    expect(accepted, "the generator must also reach the success path").to.be.greaterThan(0);
  });

  it("answers arbitrary values serialised by fc.anything with success or a documented refusal", () => {
    fc.assert(
      fc.property(fc.anything({ withBoxedValues: false }), (value) => {
        let text: string | undefined;
        try {
          text = JSON.stringify(value);
        } catch {
          text = String(value); // cycles etc.: send their string form instead
        }
        expectAcceptedOrRefused(request(text ?? ""));
      }),
      RUNS,
    );
  });

  it("answers arbitrary bytes, base64-encoded or raw, with a documented refusal", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), fc.boolean(), fc.constantFrom(...CONTENT_TYPES), (bytes, base64, type) => {
        const buf = Buffer.from(bytes);
        expectAcceptedOrRefused(request(base64 ? buf.toString("base64") : buf.toString("latin1"), type, base64));
      }),
      RUNS,
    );
  });

  it("answers arbitrary unicode text, including lone surrogates, with success or a documented refusal", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 512 }), (text) => {
        expectAcceptedOrRefused(request(text, "text/plain"));
      }),
      RUNS,
    );
  });

  it("refuses any body over the limit with 413 before parsing it", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4096 }), fc.boolean(), (extra, base64) => {
        const raw = Buffer.alloc(LIMITS.bodyBytes + extra, "{");
        const outcome = attempt(request(base64 ? raw.toString("base64") : raw.toString("utf8"), "application/json", base64));
        expect("error" in outcome && outcome.error.statusCode).to.equal(413);
      }),
      { numRuns: 50 },
    );
  });
});

describe("hostile input: prototype pollution", () => {
  const DANGEROUS = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf", "__defineGetter__"];
  const protoBefore = Object.getOwnPropertyNames(Object.prototype).sort();

  afterEach(() => {
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).to.deep.equal(protoBefore);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });

  it("never lets __proto__/constructor keys at any level reach Object.prototype", () => {
    const payload = fc.oneof(fc.constant({ polluted: true }), fc.constant({ prototype: { polluted: true } }), fc.jsonValue(), fc.string());
    const entries = fc.array(fc.tuple(fc.constantFrom(...DANGEROUS), payload), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(entries, entries, fc.boolean(), (top, props, batch) => {
        const event = objectText([["event_type", "page_view"], ...top, ["properties", JSON.parse(objectText(props))]]);
        // JSON.parse keeps "__proto__" as an own key, so it reaches the validator exactly as sent
        const text = batch ? `{"events":[${event}]}` : event;
        expectAcceptedOrRefused(request(text));
        expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
      }),
      RUNS,
    );
  });

  it("refuses a __proto__ key and keeps constructor as plain property data", () => {
    const refused = attempt(request('{"event_type":"page_view","__proto__":"x"}'));
    expect("error" in refused && refused.error.details).to.deep.equal([
      { index: 0, field: "__proto__", problem: "key __proto__ is reserved" },
    ]);
    const accepted = attempt(request('{"event_type":"page_view","properties":{"constructor":"c","toString":"t"}}'));
    expect("ok" in accepted && accepted.ok.events[0].properties).to.deep.equal([
      ["constructor", "c"],
      ["toString", "t"],
    ]);
  });
});

describe("hostile input: control characters", () => {
  const control = fc.integer({ min: 0, max: 0x1f }).chain((c) => fc.constantFrom(String.fromCharCode(c), "\u007f"));
  const idWithControl = fc
    .tuple(fc.stringMatching(/^[A-Za-z0-9_]{0,10}$/), control, fc.stringMatching(/^[A-Za-z0-9_]{0,10}$/))
    .map(([a, c, b]) => a + c + b);

  for (const field of ["user_id", "session_id", "event_id"]) {
    it(`rejects a ${field} containing a control character with 400`, () => {
      fc.assert(
        fc.property(idWithControl, (id) => {
          const outcome = attempt(request(JSON.stringify({ event_type: "page_view", [field]: id })));
          expect("error" in outcome && outcome.error.statusCode).to.equal(400);
          expect("error" in outcome && outcome.error.details?.map((d) => d.field)).to.deep.equal([field]);
        }),
        { numRuns: 100 },
      );
    });
  }

  it("rejects property keys containing a control character with 400", () => {
    fc.assert(
      fc.property(idWithControl, (key) => {
        const outcome = attempt(request(JSON.stringify({ event_type: "page_view", properties: { [key]: 1 } })));
        expect("error" in outcome && outcome.error.details?.[0].problem).to.equal("key must not contain control characters");
      }),
      { numRuns: 100 },
    );
  });
});

describe("hostile input: pathological bodies are refused, never crash the parser", () => {
  // What refusing them costs is a benchmark (`npm run bench`, hostile_input: worst refusal ÷ a
  // valid batch of the same size); here only the answer each body gets.
  const expected: Record<string, number> = {
    "1 MB deep array": 413,
    "1 MB huge array": 413,
    "1 MB deep object": 413,
    "256 KB deep array": 400,
    "256 KB huge array": 400,
    // Regression guard: the validator serialises each event with JSON.stringify, which recurses;
    // a deeply nested object inside an event must still be a 400, not a RangeError (a 500).
    "256 KB deep object in an event": 400,
  };

  it("covers every body the benchmark times", () => {
    expect(Object.keys(HOSTILE_BODIES)).to.deep.equal(Object.keys(expected));
  });

  for (const [name, status] of Object.entries(expected)) {
    it(`refuses a ${name} with ${status}`, () => {
      const outcome = attempt(request(HOSTILE_BODIES[name]));
      expect("error" in outcome && outcome.error.statusCode).to.equal(status);
    });
  }
});

describe("hostile input: storage never fails on an accepted request (handleCollect on dynalite)", () => {
  // Valid-looking events whose values stress what DynamoDB can store: any double (incl. 5e-324,
  // 1e300), unicode strings with lone surrogates, empty strings, repeated ids and timestamps.
  const value = fc.oneof(fc.double(), fc.integer(), fc.string({ unit: "binary" }), fc.constant(""), fc.boolean());
  const stressEvent = fc.record(
    {
      event_type: fc.constantFrom("page_view", "click"),
      event_id: fc.constantFrom("a", "b", "c"),
      session_id: fc.constantFrom("s1", "s2"),
      timestamp: fc.constantFrom(NOW - 1000, NOW - 2000, NOW - 9 * 86_400_000),
      referrer: fc.string({ unit: "binary", maxLength: 20 }),
      properties: fc.dictionary(fc.string({ unit: "binary", minLength: 1, maxLength: 8 }), value, { maxKeys: 4 }),
      price: value,
    },
    { requiredKeys: ["event_type"] },
  );
  let dynamo: TestDynamo;
  before(async () => (dynamo = await startDynamo()));
  after(async () => dynamo.close());

  it("answers 200 or a documented 400, never a 5xx, and writes nothing on a 400", async () => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(fc.array(stressEvent, { minLength: 1, maxLength: 6 }), async (events) => {
        const tables = await dynamo.freshTables();
        const out = await collect(testDeps(dynamo.client(), tables), { events }, NOW);
        statuses.add(out.result.statusCode);
        expect([200, 400], out.result.body).to.include(out.result.statusCode);
        if (out.result.statusCode === 400)
          for (const table of Object.values(tables)) expect(await scanAll(dynamo.client(), table)).to.deep.equal([]);
      }),
      { numRuns: 60 },
    );
    expect([...statuses].sort()).to.deep.equal([200, 400]);
  });
});
