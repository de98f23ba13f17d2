import { expect } from "chai";
import { itemSize, keysOnlyIndexEntryBytes, numberSize, storedItemBytes, valueSize } from "./item-size";

describe("DynamoDB item-size rules (Developer Guide, Item sizes and formats)", () => {
  it("numbers: 1 byte per two significant digits, zeros trimmed, + 1", () => {
    expect(numberSize("1700000000000")).to.equal(2); // "17": 1 + 1
    expect(numberSize("1764612345678")).to.equal(8); // 13 digits → 7 + 1
    expect(numberSize("0")).to.equal(2);
    expect(numberSize("-12.50")).to.equal(3); // "125" → 2 + 1
    expect(numberSize("1.5e10")).to.equal(2);
  });

  it("strings in UTF-8 bytes, booleans 1, maps 3 + (key + value + 1) per entry", () => {
    expect(valueSize({ S: "abc" })).to.equal(3);
    expect(valueSize({ S: "é€" })).to.equal(5);
    expect(valueSize({ BOOL: true })).to.equal(1);
    expect(valueSize({ M: {} })).to.equal(3);
    expect(valueSize({ M: { x: { N: "12" }, ok: { BOOL: false } } })).to.equal(3 + (1 + 2 + 1) + (2 + 1 + 1));
    expect(valueSize({ L: [{ S: "ab" }, { N: "1" }] })).to.equal(3 + (2 + 1) + (2 + 1));
  });

  it("an item is the sum of its names and values; storage adds 100 bytes, a KEYS_ONLY index entry its keys + 100", () => {
    const item = { session_id: { S: "sess_1" }, user_id: { S: "u1" }, start_time: { N: "1764612345678" }, page_views: { N: "3" } };
    const size = 10 + 6 + (7 + 2) + (10 + 8) + (10 + 2);
    expect(itemSize(item)).to.equal(size);
    expect(storedItemBytes(item)).to.equal(size + 100);
    expect(keysOnlyIndexEntryBytes(item, ["session_id"], ["user_id", "start_time"])).to.equal(10 + 6 + (7 + 2) + (10 + 8) + 100);
    expect(keysOnlyIndexEntryBytes({ session_id: { S: "x" } }, ["session_id"], ["user_id", "start_time"])).to.equal(undefined);
  });
});
