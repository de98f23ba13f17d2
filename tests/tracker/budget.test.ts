/** The tracker build (components/tracker-asset.ts): the byte budget of docs/tracker.md and a stable build. */

import { gzipSync } from "node:zlib";
import { expect } from "chai";
import { buildTrackerScript, trackerAsset } from "../../components/tracker-asset";
import { trackerAssetFrom } from "../../functions/tracker";

export const GZIP_BUDGET_BYTES = 2048;

describe("tracker build", () => {
  it(`stays within ${GZIP_BUDGET_BYTES} bytes gzipped at zlib level 9`, () => {
    const gzipped = gzipSync(buildTrackerScript(), { level: 9 }).length;
    expect(gzipped, `tracker is ${gzipped} bytes gzipped`).to.be.at.most(GZIP_BUDGET_BYTES);
    expect(trackerAsset().gzip.length).to.equal(gzipped);
  });

  it("builds byte-identical output from the same source, so the ETag only changes with the code", () => {
    const first = buildTrackerScript();
    expect(buildTrackerScript()).to.equal(first);
    expect(trackerAsset().script).to.equal(first);
    expect(trackerAsset().etag).to.match(/^"[A-Za-z0-9_-]{22}"$/);
  });

  it("is one minified IIFE with no comments, no source map and no cookie access", () => {
    const script = buildTrackerScript();
    expect(script.split("\n").filter(Boolean)).to.have.length(1);
    expect(script).to.match(/^"use strict";\(\(\)=>\{/);
    expect(script).not.to.match(/sourceMappingURL|\/\*|document\.cookie/);
  });

  it("a different source gives a different ETag", () => {
    const other = buildTrackerScript("tracker/validate.ts");
    expect(trackerAssetFrom(other).etag).not.to.equal(trackerAsset().etag);
  });
});
