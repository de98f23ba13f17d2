import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { attachRequestLog, filterFunctionLines, humanLine, isFunctionRequestLine } from "../../local/request-log";

const FUNCTION_LINE = JSON.stringify({
  timestamp: "2026-01-01T00:00:00.000Z",
  level: "INFO",
  message: "request completed",
  request_id: "r1",
  status: 200,
});

function fakeStream() {
  const written: string[] = [];
  const stream = { write: (chunk: string) => (written.push(chunk), true) } as unknown as NodeJS.WriteStream;
  return { stream, written };
}

describe("local mode request logs", () => {
  it("recognises only the functions' request line", () => {
    expect(isFunctionRequestLine(FUNCTION_LINE)).to.equal(true);
    expect(isFunctionRequestLine('{"ready":true}')).to.equal(false);
    expect(isFunctionRequestLine('{"message":"request completed"}')).to.equal(false);
    expect(isFunctionRequestLine("{not json")).to.equal(false);
  });

  it("formats one short line per request", () => {
    const at = new Date("2026-12-01T20:15:03.456Z");
    expect(humanLine("POST", "/events", 200, 12.4, at)).to.equal("20:15:03 POST /events 200 12 ms");
    expect(humanLine("GET", "/realtime", "closed", 3, at)).to.equal("20:15:03 GET /realtime (client went away) 3 ms");
    expect(humanLine("GET", `/${"x".repeat(100)}`, 404, 1, at)).to.equal(`20:15:03 GET /${"x".repeat(76)}... 404 1 ms`);
  });

  it("drops the functions' JSON lines by default and keeps every other write", () => {
    const { stream, written } = fakeStream();
    filterFunctionLines("human", stream);
    stream.write(`${FUNCTION_LINE}\n`);
    stream.write("20:15:03 POST /events 200 12 ms\n");
    expect(written).to.deep.equal(["20:15:03 POST /events 200 12 ms\n"]);
  });

  it("keeps the functions' JSON lines with --json-logs", () => {
    const { stream, written } = fakeStream();
    filterFunctionLines("json", stream);
    stream.write(`${FUNCTION_LINE}\n`);
    expect(written).to.deep.equal([`${FUNCTION_LINE}\n`]);
  });

  it("writes a line when a response is done, and none in quiet mode", async () => {
    const lines: Record<string, string[]> = { human: [], quiet: [] };
    for (const mode of ["human", "quiet"] as const) {
      const server = http.createServer((_req, res) => res.writeHead(201).end());
      attachRequestLog(server, mode, (line) => lines[mode].push(line));
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      await (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/events?x=1`, { method: "PUT" })).arrayBuffer();
      await new Promise((resolve) => server.close(resolve));
    }
    expect(lines.human).to.have.length(1);
    expect(lines.human[0]).to.match(/^\d\d:\d\d:\d\d PUT \/events\?x=1 201 \d+ ms$/);
    expect(lines.quiet).to.deep.equal([]);
  });
});
