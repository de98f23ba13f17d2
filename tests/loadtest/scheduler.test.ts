import { expect } from "chai";
import { TrafficGenerator } from "../../scripts/lib/event-generator";
import { createHttpTransport } from "../../scripts/loadtest/http-client";
import { Recorder } from "../../scripts/loadtest/recorder";
import { type RunContext, runClosed, runOpen, scheduledCount, scheduledOffsetMs } from "../../scripts/loadtest/scheduler";
import { ROLLED_PREFIX, type StubServer, startStubServer } from "./stub-server";

interface Harness {
  ctx: RunContext;
  recorder: Recorder;
  traffic: TrafficGenerator;
}

function harness(url: string, opts: { sockets: number; timeoutMs?: number; batch?: number; sessions?: number }): Harness {
  const recorder = new Recorder();
  const traffic = new TrafficGenerator({ sessions: opts.sessions ?? 10, seed: 1, runId: "test" });
  const transport = createHttpTransport({ url, sockets: opts.sockets, timeoutMs: opts.timeoutMs ?? 5000 });
  const ctx: RunContext = {
    transport,
    traffic,
    recorder,
    batch: opts.batch ?? 1,
    clock: () => performance.now(),
    wallClock: () => Date.now(),
    stopRequested: () => false,
  };
  return { ctx, recorder, traffic };
}

describe("loadtest scheduling", function () {
  this.timeout(10_000);
  let server: StubServer | undefined;
  let h: Harness | undefined;
  afterEach(async () => {
    h?.ctx.transport.close();
    await server?.close();
    server = undefined;
    h = undefined;
  });

  describe("open model schedule (pure)", () => {
    it("has one slot every 1/rate seconds inside [0, duration)", () => {
      expect(scheduledCount(10, 1)).to.equal(10);
      expect(scheduledCount(3, 1.5)).to.equal(5); // 0, 333, 667, 1000, 1333 ms
      expect(scheduledCount(0.5, 1)).to.equal(1); // only the slot at 0
      expect(scheduledCount(100, 0.3)).to.equal(30);
      expect([0, 1, 4].map((i) => scheduledOffsetMs(i, 3))).to.deep.equal([0, 1000 / 3, 4000 / 3]);
      expect(Array.from({ length: 5 }, (_, i) => scheduledOffsetMs(i, 40))).to.deep.equal([0, 25, 50, 75, 100]);
    });
  });

  describe("open model against a stub server", () => {
    it("sends exactly rate × duration requests, each at its scheduled offset", async () => {
      server = await startStubServer();
      h = harness(server.url, { sockets: 50 });
      await runOpen(h.ctx, 40, 0.5, 50);
      expect(server.requests).to.have.length(20);
      const first = server.requests[0].receivedAtMs;
      // Never early; late only by what a shared, busy test machine adds (timers, other processes).
      server.requests.forEach((request, i) => {
        expect(request.receivedAtMs - first, `request ${i}`).to.be.within(i * 25 - 5, i * 25 + 100);
      });
      expect([h.recorder.requests, h.recorder.okRequests, h.recorder.dropped]).to.deep.equal([20, 20, 0]);
    });

    it("measures latency from the scheduled time, so requests queued behind a busy connection show their wait", async () => {
      // One socket, a server that takes 100 ms: request i is due at 50·i ms but can only finish at
      // 100·(i+1) ms, so its latency is 100 + 50·i ms. Timing from the actual send would hide the
      // queue and report ~100 ms for every request (coordinated omission).
      server = await startStubServer({ delayMs: 100, serial: true });
      h = harness(server.url, { sockets: 1 });
      await runOpen(h.ctx, 20, 0.5, 100);
      const latencies = [...h.recorder.latencySamples()];
      expect(latencies).to.have.length(10);
      expect(latencies[0]).to.be.within(100, 170);
      // Each request waits 50 ms longer than the one before (100 ms of service − 50 ms of spacing);
      // compared pairwise so timer overhead on a busy machine does not accumulate into the check.
      // The tolerance covers timer jitter on a loaded machine; the 50 ms step itself is what
      // send-time measurement (≈ 0 ms step) would miss.
      for (let i = 1; i < latencies.length; i++) expect(latencies[i] - latencies[i - 1], `request ${i}`).to.be.closeTo(50, 35);
      expect(latencies[9]).to.be.at.least(550);
      expect(h.recorder.maxSendLagMs).to.be.below(50); // the scheduler itself was on time
    });

    it("drops requests due while --max-in-flight are outstanding and counts them as failures", async () => {
      server = await startStubServer({ delayMs: 1000 });
      h = harness(server.url, { sockets: 2 });
      await runOpen(h.ctx, 20, 0.5, 2);
      expect([h.recorder.requests, h.recorder.dropped, server.requests.length]).to.deep.equal([2, 8, 2]);
      expect(h.recorder.successRate).to.equal(0.2);
      expect(h.recorder.timeline(1000).reduce((sum, p) => sum + p.dropped, 0)).to.equal(8);
    });
  });

  describe("closed model against a stub server", () => {
    it("keeps exactly --concurrency requests in flight until the duration is over", async () => {
      server = await startStubServer({ delayMs: 50 });
      h = harness(server.url, { sockets: 3 });
      const elapsed = await runClosed(h.ctx, 3, 0.5);
      expect(server.maxConcurrent).to.equal(3);
      expect(h.recorder.requests).to.be.within(21, 30); // 3 clients × ~10 rounds of ≥ 50 ms
      expect(h.recorder.requests).to.equal(server.requests.length);
      expect(elapsed).to.be.within(500, 700);
    });

    it("sends batches and adopts the session ids the server rolls over", async () => {
      server = await startStubServer({ rollSessions: true });
      h = harness(server.url, { sockets: 2, batch: 5, sessions: 2 });
      await runClosed(h.ctx, 2, 0.2);
      const bodies = server.requests.map((r) => r.body);
      expect(bodies.every((b) => b.events.length === 5)).to.equal(true);
      expect(server.requests[0].userAgent).to.equal("liveinsight-loadtest/1");
      expect(h.traffic.sessionsAdopted).to.equal(2);
      // After its first answer every visitor sends the server's id.
      const later = bodies.slice(4).flatMap((b) => b.events.map((e: { session_id: string }) => e.session_id));
      expect(later.every((id: string) => id.startsWith(ROLLED_PREFIX))).to.equal(true);
      expect(h.recorder.eventsAcknowledged).to.equal(5 * server.requests.length);
    });
  });

  describe("failures", () => {
    it("records a timeout as ERR_TIMEOUT with its latency", async () => {
      server = await startStubServer({ delayMs: 400 });
      h = harness(server.url, { sockets: 1, timeoutMs: 100 });
      await runOpen(h.ctx, 1, 0.5, 1);
      expect(h.recorder.statuses).to.deep.equal({ ERR_TIMEOUT: 1 });
      expect(h.recorder.latencySamples()[0]).to.be.within(95, 200);
    });

    it("records a refused connection as ERR_ECONNREFUSED without a latency sample", async () => {
      server = await startStubServer();
      const url = server.url;
      await server.close();
      server = undefined;
      h = harness(url, { sockets: 1 });
      await runOpen(h.ctx, 10, 0.3, 5);
      expect(h.recorder.statuses).to.deep.equal({ ERR_ECONNREFUSED: 3 });
      expect(h.recorder.latencySamples()).to.have.length(0);
      expect(h.recorder.successRate).to.equal(0);
    });

    it("backs off in the closed model when the connection is refused instead of spinning on the dead port", async () => {
      server = await startStubServer();
      const url = server.url;
      await server.close();
      server = undefined;
      h = harness(url, { sockets: 2 });
      await runClosed(h.ctx, 2, 0.5);
      // Each client: refused at 0, pauses 100 ms, refused, pauses 200 ms, refused, pauses until the end.
      // Without the pause, two clients send thousands of requests in 0.5 s.
      expect(h.recorder.statuses.ERR_ECONNREFUSED).to.be.within(4, 8);
      expect(Object.keys(h.recorder.statuses)).to.deep.equal(["ERR_ECONNREFUSED"]);
    });

    it("records a 503 as a failed request that still has a latency", async () => {
      server = await startStubServer({ status: 503 });
      h = harness(server.url, { sockets: 1 });
      await runOpen(h.ctx, 10, 0.2, 5);
      expect(h.recorder.statuses).to.deep.equal({ "503": 2 });
      expect([h.recorder.okRequests, h.recorder.latencySamples().length, h.recorder.eventsAcknowledged]).to.deep.equal([0, 2, 0]);
    });
  });
});
