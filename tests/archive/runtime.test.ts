import { expect } from "chai";
import { storeFromEnv } from "../../functions/archive/runtime";
import { ConfigError } from "../../functions/shared/env";
import { windowFrom } from "../../local/archive-local";

describe("archive settings name the variable to change", () => {
  it("needs exactly one of ARCHIVE_BUCKET and ARCHIVE_DIR", () => {
    expect(() => storeFromEnv({})).to.throw(
      ConfigError,
      "Environment variable ARCHIVE_BUCKET is required but not set; the stack sets it on the function (local mode sets ARCHIVE_DIR).",
    );
    expect(() => storeFromEnv({ ARCHIVE_BUCKET: "b", ARCHIVE_DIR: "/tmp/a" })).to.throw(
      ConfigError,
      "Set only one of ARCHIVE_BUCKET (S3) and ARCHIVE_DIR (local mode); both are set.",
    );
    expect(storeFromEnv({ ARCHIVE_BUCKET: "li-archive" }).location).to.equal("s3://li-archive");
    expect(storeFromEnv({ ARCHIVE_DIR: "/tmp/a" }).location).to.equal("/tmp/a");
  });

  it("takes the mapping's window locally unless LIVEINSIGHT_ARCHIVE_WINDOW_S says otherwise, within 0.1–300 s", () => {
    expect(windowFrom({})).to.equal(30_000);
    expect(windowFrom({ LIVEINSIGHT_ARCHIVE_WINDOW_S: "0.5" })).to.equal(500);
    for (const bad of ["0.05", "301", "soon"])
      expect(() => windowFrom({ LIVEINSIGHT_ARCHIVE_WINDOW_S: bad })).to.throw(
        `LIVEINSIGHT_ARCHIVE_WINDOW_S must be a number of seconds from 0.1 to 300 (the mapping's limit); got "${bad}".`,
      );
  });
});
