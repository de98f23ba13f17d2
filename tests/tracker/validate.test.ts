/** The tracker's own checks (tracker/validate.ts) agree with what the server refuses (docs/api.md). */
import { expect } from "chai";
import fc from "fast-check";
import { type Problem, validateEvent } from "../../functions/core/validate";
import { type TrackedEvent, validEvent } from "../../tracker/validate";

const base = (type: unknown): TrackedEvent => ({ event_type: type as string, event_id: "e_1", timestamp: 1 });

describe("tracker/validate", () => {
  it("keeps a valid event and copies its properties", () => {
    const props = { plan: "pro", seats: 3, trial: false };
    const event = validEvent(base("add_to_cart"), props) as TrackedEvent;
    expect(event.properties).to.deep.equal(props);
    expect(event.properties).not.to.equal(props);
  });

  for (const type of ["", "Click", "1st", "a-b", "x".repeat(65), undefined, 7]) {
    it(`refuses the event type ${JSON.stringify(type)}`, () => {
      expect(validEvent(base(type), undefined))
        .to.be.a("string")
        .that.matches(/^bad type /);
    });
  }

  const badProperties: [string, unknown, RegExp][] = [
    ["an array", [1], /^bad properties$/],
    ["a string", "x", /^bad properties$/],
    ["21 keys", Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i])), /over 20/],
    ["a nested object", { a: { b: 1 } }, /^bad value a$/],
    ["null", { a: null }, /^bad value a$/],
    ["NaN", { a: NaN }, /^bad value a$/],
    ["Infinity", { a: Infinity }, /^bad value a$/],
    ["1e-200 (not storable)", { a: 1e-200 }, /^bad value a$/],
    ["1e130 (not storable)", { a: 1e130 }, /^bad value a$/],
    ["an empty key", { "": 1 }, /bad key/],
    ["a 65-character key", { ["k".repeat(65)]: 1 }, /bad key/],
    ["a control character in a key", { "a\nb": 1 }, /bad key/],
    ["over 2 KB", { a: "é".repeat(1100) }, /over 2 KB/],
    ["a lone high surrogate in a value", { a: "x\uD800" }, /^bad value a \(lone surrogate\)$/],
    ["a lone low surrogate in a value", { a: "\uDC00x" }, /^bad value a \(lone surrogate\)$/],
    ["a reversed pair in a value", { a: "\uDC00\uD83D" }, /^bad value a \(lone surrogate\)$/],
    ["a lone surrogate in a key", { "k\uD83D": "\uDE00" }, /^bad value k\uD83D \(lone surrogate\)$/],
  ];
  for (const [name, props, problem] of badProperties) {
    it(`refuses properties with ${name}`, () => {
      expect(validEvent(base("click"), props))
        .to.be.a("string")
        .that.matches(problem);
    });
  }

  it("keeps a well-formed pair in a key or a value", () => {
    const props = { "\uD83D\uDE00": "a\uD83D\uDE00b" };
    expect((validEvent(base("click"), props) as TrackedEvent).properties).to.deep.equal(props);
  });

  it("refuses a lone surrogate exactly where the server does, in a key or a value (property)", () => {
    const piece = fc.constantFrom("a", "é", "0", "\uD83D\uDE00", "\uD800", "\uDBFF", "\uDC00", "\uDFFF", "\uD83D", "\uDE00");
    const text = (min: number) => fc.array(piece, { minLength: min, maxLength: 6 }).map((p) => p.join(""));
    fc.assert(
      fc.property(text(1), text(0), (key, value) => {
        const tracker = validEvent(base("click"), { [key]: value });
        const problems: Problem[] = [];
        const server = validateEvent({ ...base("click"), properties: { [key]: value } }, 0, problems);
        expect(typeof tracker === "object", `tracker ${String(tracker)}; server ${JSON.stringify(problems)}`).to.equal(
          server !== undefined,
        );
      }),
      { numRuns: 2000 },
    );
  });

  it("accepts the storable extremes", () => {
    expect(validEvent(base("click"), { zero: 0, tiny: 1e-130, big: -9.99e125 })).to.be.an("object");
  });
});
