/**
 * Local mode runs at most LOCAL_CONCURRENCY invocations of a function at once, the rest waiting
 * their turn with their timeout starting when they start, as a Lambda invocation starts when a
 * container is free (local/server.ts): concurrency costs latency locally, never a 503.
 */
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { createLocalApi, type LambdaHandler, LOCAL_CONCURRENCY } from "../../local/server";

describe("local mode: invocations per function are gated like Lambda containers", () => {
  it("runs at most `concurrency` collector invocations at once, each with its full timeout, and realtime beside them", async () => {
    expect(LOCAL_CONCURRENCY).to.equal(2);
    let running = 0;
    let peak = 0;
    const remaining: number[] = [];
    const collector: LambdaHandler = async (_event, context) => {
      remaining.push(context.getRemainingTimeInMillis());
      peak = Math.max(peak, ++running);
      await new Promise((resolve) => setTimeout(resolve, 150));
      running--;
      return { statusCode: 200, body: "{}" };
    };
    const realtime: LambdaHandler = async () => ({ statusCode: 200, body: JSON.stringify({ peak: running }) });
    const server = createLocalApi({ collector, realtime, timeoutMs: 1_000, corsOrigins: ["*"], concurrency: 2 });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const posts = Array.from({ length: 6 }, () => fetch(`${base}/events`, { method: "POST", body: "{}" }).then((r) => r.status));
      await new Promise((resolve) => setTimeout(resolve, 50));
      const live = await fetch(`${base}/realtime`).then((r) => r.json());
      expect(await Promise.all(posts)).to.deep.equal(Array(6).fill(200));
      expect(peak).to.equal(2);
      expect(live).to.deep.equal({ peak: 2 }); // realtime ran while two collector invocations were in progress
      // the last two waited about 300 ms, yet started with (nearly) their whole timeout
      expect(Math.min(...remaining)).to.be.above(900);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
