import { expect } from "chai";
import { identityOf } from "../../functions/archive/identity";
import { PoisonRecordError, rowOf } from "../../functions/archive/row";
import { eventImage } from "./rows";

describe("archive identity and rows from stream images", () => {
  it("takes site_id from the item, else from a <site>#<session> key, else 'local'", () => {
    expect(identityOf("shop", "sess_1")).to.deep.equal({ site_id: "shop", session_id: "sess_1" });
    expect(identityOf(undefined, "blog#sess_2")).to.deep.equal({ site_id: "blog", session_id: "sess_2" });
    expect(identityOf("blog", "blog#sess_2")).to.deep.equal({ site_id: "blog", session_id: "sess_2" });
    expect(identityOf(undefined, "sess_3")).to.deep.equal({ site_id: "local", session_id: "sess_3" });
    // A prefix that is not the item's own site is part of the id, never cut off.
    expect(identityOf("shop", "blog#sess_4")).to.deep.equal({ site_id: "shop", session_id: "blog#sess_4" });
  });

  it("keeps property numbers as DynamoDB's exact text and sorts keys", () => {
    const image = eventImage({
      session: "s",
      eventId: "e",
      timestamp: 1,
      properties: { z: { N: "123456789012345678901234567890" }, a: { L: [{ BOOL: true }, { NULL: true }, { S: 'x"y' }] } },
    });
    expect(rowOf(image).properties).to.equal('{"a":[true,null,"x\\"y"],"z":123456789012345678901234567890}');
  });

  for (const [attribute, change, reason] of [
    ["event_key", undefined, "attribute event_key must be a non-empty string (S)"],
    ["timestamp", { S: "1" }, "attribute timestamp must be a whole number (N)"],
    ["received_at", { N: "1.5" }, "attribute received_at must be a whole number (N)"],
    ["properties", { S: "{}" }, "attribute properties must be a map (M)"],
  ] as const)
    it(`refuses an image whose ${attribute} is ${change ? JSON.stringify(change) : "missing"}, naming it`, () => {
      const image = eventImage({ session: "s", eventId: "e", timestamp: 1 });
      if (change) image[attribute] = change;
      else delete image[attribute];
      expect(() => rowOf(image)).to.throw(PoisonRecordError, reason);
    });

  it("refuses a record without a new image (the stream must send NEW_IMAGE)", () => {
    expect(() => rowOf(undefined)).to.throw(PoisonRecordError, "the record has no NewImage (the stream must send NEW_IMAGE)");
  });
});
