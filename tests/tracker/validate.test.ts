/** The tracker's own checks (tracker/validate.ts) agree with what the server refuses (docs/api.md). */
import { expect } from "chai";
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
        .that.matches(/^bad event type/);
    });
  }

  const badProperties: [string, unknown, RegExp][] = [
    ["an array", [1], /must be an object/],
    ["a string", "x", /must be an object/],
    ["21 keys", Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i])), /over 20/],
    ["a nested object", { a: { b: 1 } }, /bad value for a/],
    ["null", { a: null }, /bad value for a/],
    ["NaN", { a: NaN }, /bad value for a/],
    ["Infinity", { a: Infinity }, /bad value for a/],
    ["1e-200 (not storable)", { a: 1e-200 }, /bad value for a/],
    ["1e130 (not storable)", { a: 1e130 }, /bad value for a/],
    ["an empty key", { "": 1 }, /bad key/],
    ["a 65-character key", { ["k".repeat(65)]: 1 }, /bad key/],
    ["a control character in a key", { "a\nb": 1 }, /bad key/],
    ["over 2 KB", { a: "é".repeat(1100) }, /over 2 KB/],
  ];
  for (const [name, props, problem] of badProperties) {
    it(`refuses properties with ${name}`, () => {
      expect(validEvent(base("click"), props))
        .to.be.a("string")
        .that.matches(problem);
    });
  }

  it("accepts the storable extremes", () => {
    expect(validEvent(base("click"), { zero: 0, tiny: 1e-130, big: -9.99e125 })).to.be.an("object");
  });
});
