import { expect } from "chai";
import { processStdout, redirectRequestLines, stdoutSink } from "../../functions/shared/logger";

describe("request line sink", () => {
  it("writes each line plus one newline to process.stdout, nothing else", () => {
    const restore = redirectRequestLines(processStdout);
    const written: unknown[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: unknown) => (written.push(chunk), true)) as typeof write;
    try {
      stdoutSink('{"message":"request completed"}');
      stdoutSink("{}");
    } finally {
      process.stdout.write = write;
      restore();
    }
    expect(written).to.deep.equal(['{"message":"request completed"}\n', "{}\n"]);
  });

  it("sends lines to the redirected target until restored, then to the previous one", () => {
    const outer: string[] = [];
    const inner: string[] = [];
    const restoreOuter = redirectRequestLines((text) => outer.push(text));
    const restoreInner = redirectRequestLines((text) => inner.push(text));
    stdoutSink("a");
    restoreInner();
    stdoutSink("b");
    restoreOuter();
    expect([inner, outer]).to.deep.equal([["a\n"], ["b\n"]]);
  });

  it("keeps the redirect for a copy of the module loaded afresh (tests that drop functions/ from the require cache)", () => {
    const id = require.resolve("../../functions/shared/logger");
    const cached = require.cache[id];
    delete require.cache[id];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fresh = require("../../functions/shared/logger") as typeof import("../../functions/shared/logger");
    if (cached) require.cache[id] = cached;
    const lines: string[] = [];
    const restore = redirectRequestLines((text) => lines.push(text));
    fresh.stdoutSink("x");
    restore();
    expect(fresh.stdoutSink).to.not.equal(stdoutSink);
    expect(lines).to.deep.equal(["x\n"]);
  });
});
