/**
 * Bodies over the collector's limit, up to API Gateway's 10 MB payload quota and beyond: every
 * client reads its 413 (local/server.ts drains, then answers, and lingers after an early answer)
 * instead of a connection reset while it is still uploading.
 */

import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { LIMITS } from "../../functions/core/validate";
import { GATEWAY_PAYLOAD_BYTES } from "../../local/api-gateway";
import { createLocalApi } from "../../local/server";
import { type LocalProcess, startLocalMode } from "../support/local-process";

const MB = 1024 * 1024;

/** The collector's own 413 body (functions/core/request.ts), which local mode answers too. */
const tooLarge = (size: string) =>
  JSON.stringify({ error: "PayloadTooLarge", message: `The body is ${size} bytes; at most ${LIMITS.bodyBytes} bytes are accepted.` });

interface UploadOutcome {
  status: number | undefined;
  error: string | undefined;
  body: string;
}

/** One POST of `bytes` bytes through node's http client; the outcome records any socket error it saw. */
function upload(url: string, bytes: number, options: { agent?: http.Agent; chunked?: boolean } = {}): Promise<UploadOutcome> {
  return new Promise((resolve) => {
    const outcome: UploadOutcome = { status: undefined, error: undefined, body: "" };
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (!options.chunked) headers["content-length"] = String(bytes);
    const req = http.request(url, { method: "POST", headers, agent: options.agent }, (res) => {
      outcome.status = res.statusCode;
      res.setEncoding("utf8");
      res.on("data", (d: string) => (outcome.body += d));
      res.on("end", () => setImmediate(() => resolve(outcome)));
    });
    req.on("error", (e: NodeJS.ErrnoException) => {
      outcome.error = e.code ?? e.message;
      resolve(outcome);
    });
    const body = Buffer.alloc(bytes, 0x20);
    if (options.chunked) for (let at = 0; at < bytes; at += 64 * 1024) req.write(body.subarray(at, at + 64 * 1024));
    req.end(options.chunked ? undefined : body);
  });
}

describe("bodies over the limit", function () {
  this.timeout(120_000);

  describe("local mode (a separate process, as `npm start` runs)", () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "liveinsight-large-"));
    let local: LocalProcess;
    before(async () => {
      local = await startLocalMode(dataDir);
    });
    after(async () => {
      await local?.stop("SIGKILL");
      rmSync(dataDir, { recursive: true, force: true });
    });

    const TRIES = 8;
    const sizes: [string, number][] = [
      ["4 MB", 4 * MB],
      ["8 MB", 8 * MB],
      ["10 MB (the gateway's quota)", GATEWAY_PAYLOAD_BYTES],
      ["10 MB + 1 byte", GATEWAY_PAYLOAD_BYTES + 1],
      ["16 MB", 16 * MB],
      ["32 MB", 32 * MB],
    ];
    for (const [label, bytes] of sizes) {
      it(`answers every one of ${TRIES} uploads of ${label} with a readable 413 and no socket error`, async () => {
        const outcomes: UploadOutcome[] = [];
        for (let i = 0; i < TRIES; i++) outcomes.push(await upload(local.eventsUrl, bytes));
        expect(outcomes.map((o) => [o.status, o.error, o.body])).to.deep.equal(
          Array(TRIES).fill([413, undefined, tooLarge(String(bytes))]),
        );
      });
    }

    it("answers a chunked 12 MB upload (no Content-Length) with a readable 413", async () => {
      const outcomes: UploadOutcome[] = [];
      for (let i = 0; i < 4; i++) outcomes.push(await upload(local.eventsUrl, 12 * MB, { chunked: true }));
      const counted = tooLarge(`more than ${GATEWAY_PAYLOAD_BYTES}`);
      expect(outcomes.map((o) => [o.status, o.error, o.body])).to.deep.equal(Array(4).fill([413, undefined, counted]));
    });

    it("keeps the connection of a drained 413 usable: the next request on it is stored", async () => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const sockets = new Set<net.Socket>();
      agent.on("free", (socket) => sockets.add(socket));
      try {
        expect((await upload(local.eventsUrl, 4 * MB, { agent })).status).to.equal(413);
        const event = JSON.stringify({ event_type: "page_view", event_id: "evt-after-413", session_id: "sess-large" });
        const stored = await new Promise<{ status?: number; body: string }>((resolve, reject) => {
          const req = http.request(local.eventsUrl, { method: "POST", agent, headers: { "content-type": "application/json" } }, (res) => {
            let body = "";
            res.on("data", (d) => (body += d));
            res.on("end", () => resolve({ status: res.statusCode, body }));
          });
          req.on("error", reject);
          req.end(event);
        });
        expect(stored.status).to.equal(200);
        expect(JSON.parse(stored.body).event_id).to.equal("evt-after-413");
        expect(sockets.size).to.equal(1);
      } finally {
        agent.destroy();
      }
    });
  });

  describe("the bounds of draining", () => {
    let server: http.Server;
    let port: number;
    let invoked = 0;
    const LINGER_MS = 300;
    before(async () => {
      const handler = async () => {
        invoked++;
        return { statusCode: 200, body: "{}" };
      };
      server = createLocalApi({ collector: handler, realtime: handler, timeoutMs: 1000, corsOrigins: ["*"], lingerMs: LINGER_MS });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      port = (server.address() as AddressInfo).port;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    /** Sends the head and `sent` body bytes, then nothing more; resolves with what came back and when the server closed (or `waitMs` passed). */
    function stalledUpload(declared: number, sent: number, waitMs: number): Promise<{ answer: string; closedAfterMs: number | undefined }> {
      return new Promise((resolve) => {
        const socket = net.connect(port, "127.0.0.1");
        let answer = "";
        let answeredAt = 0;
        socket.on("connect", () => {
          socket.write(`POST /events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${declared}\r\n\r\n`);
          socket.write(Buffer.alloc(sent, 0x20));
        });
        socket.on("data", (d) => {
          answer += d.toString();
          answeredAt ||= Date.now();
        });
        const giveUp = setTimeout(() => socket.destroy(), waitMs);
        socket.on("close", () => {
          clearTimeout(giveUp);
          resolve({ answer, closedAfterMs: answeredAt ? Date.now() - answeredAt : undefined });
        });
        socket.on("error", () => undefined);
      });
    }

    it("answers a body declared over 10 MB before reading it, and closes once the linger time passes", async () => {
      const { answer, closedAfterMs } = await stalledUpload(GATEWAY_PAYLOAD_BYTES + 1, 0, LINGER_MS * 10);
      expect(answer.split("\r\n")[0]).to.equal("HTTP/1.1 413 Payload Too Large");
      expect(answer).to.include('"error":"PayloadTooLarge"');
      expect(closedAfterMs).to.be.within(LINGER_MS - 50, LINGER_MS * 5);
      expect(invoked).to.equal(0);
    });

    it("waits for the rest of a body under 10 MB before answering (nothing is answered while it is incomplete)", async () => {
      const { answer } = await stalledUpload(2 * LIMITS.bodyBytes, LIMITS.bodyBytes + 1, 1000);
      expect(answer).to.equal("");
    });
  });
});
