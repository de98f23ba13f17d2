/**
 * Per-test bookkeeping both browser suites share: what the API saw since the test began, and the
 * page the test opened, which must have logged no console output or errors and is closed after it.
 */
import { expect } from "chai";
import { harness, type OpenPage, type PageOptions } from "../harness";

export interface PerTestPages {
  /** Requests the API saw since the current test began. */
  seen(): typeof harness.seen;
  /** Opens a page and hands it to the after-test check. */
  open(options?: PageOptions): Promise<OpenPage>;
}

export function perTestPages(): PerTestPages {
  let since = 0;
  let current: OpenPage | undefined;
  beforeEach(() => {
    since = harness.seen.length;
    current = undefined;
  });
  afterEach(async () => {
    if (current) expect(current.problems, "console output or errors from the page").to.deep.equal([]);
    await current?.context.close();
  });
  return {
    seen: () => harness.seen.slice(since),
    open: async (options) => (current = await harness.open(options)),
  };
}
