import { expect } from "chai";
import { TrafficGenerator } from "../../scripts/lib/event-generator";
import { createHttpTransport, type Transport } from "../../scripts/lib/http-client";
import { Recorder } from "../../scripts/loadtest/recorder";
import { REFUSED_BACKOFF_MS, type RunContext, realTimers, runClosed, runOpen, scheduledCount } from "../../scripts/loadtest/scheduler";
import { ROLLED_PREFIX, type StubServer, startStubServer } from "./stub-server";
import { type FakeServer, type FakeServerOptions, fakeServer, VirtualClock } from "./virtual-time";

interface Harness {
  ctx: RunContext;
  recorder: Recorder;
  traffic: TrafficGenerator;
}

type Timers = Pick<RunContext, "clock" | "sleep" | "wallClock">;

function harness(transport: Transport, timers: Timers, opts: { batch?: number; sessions?: number } = {}): Harness {
  const recorder = new Recorder();
  const traffic = new TrafficGenerator({ sessions: opts.sessions ?? 10, seed: 1, runId: "test" });
  const ctx: RunContext = {
    transport,
    traffic,
    recorder,
    batch: opts.batch ?? 1,
    ...timers,
    stopRequested: () => false,
  };
  return { ctx, recorder, traffic };
}

/** A scheduler run on virtual time against a fake server. */
function virtualRun(options: FakeServerOptions = {}, opts: { batch?: number; sessions?: number } = {}) {
  const time = new VirtualClock();
  const server: FakeServer = fakeServer(time, options);
  const h = harness(server.transport, time, opts);
  return { ...h, server, run: <T>(work: Promise<T>) => time.run(work) };
}

const steps = (count: number, stepMs: number, firstMs = 0) => Array.from({ length: count }, (_, i) => firstMs + i * stepMs);

describe("loadtest scheduling", () => {
  describe("open model schedule (pure)", () => {
    it("has one slot every 1/rate seconds inside [0, duration)", () => {
      expect(scheduledCount(10, 1)).to.equal(10);
      expect(scheduledCount(3, 1.5)).to.equal(5); // 0, 333, 667, 1000, 1333 ms
      expect(scheduledCount(0.5, 1)).to.equal(1); // only the slot at 0
      expect(scheduledCount(100, 0.3)).to.equal(30);
    });
  });

  describe("open model on virtual time", () => {
    it("sends exactly rate × duration requests, request i at exactly i × 1000/rate ms", async () => {
      const v = virtualRun();
      const elapsed = await v.run(runOpen(v.ctx, 40, 0.5));
      expect(v.server.sentAtMs).to.deep.equal(steps(20, 25));
      expect([v.recorder.requests, v.recorder.okRequests, v.recorder.maxSendLagMs]).to.deep.equal([20, 20, 0]);
      expect(elapsed).to.equal(475);
    });

    it("measures latency from the scheduled slot, so requests queued behind a busy server show their wait", async () => {
      // A single-worker server that takes 100 ms: request i is due at 50·i ms but can only finish
      // at 100·(i+1) ms, so its latency is 100 + 50·i ms. Timing from the actual send would hide
      // the queue and report 100 ms for every request (coordinated omission).
      const v = virtualRun({ serial: true, answer: () => ({ delayMs: 100 }) });
      const elapsed = await v.run(runOpen(v.ctx, 20, 0.5));
      expect(v.server.sentAtMs).to.deep.equal(steps(10, 50));
      expect(v.recorder.latencies).to.deep.equal(steps(10, 50, 100));
      expect([v.recorder.maxSendLagMs, v.recorder.late]).to.deep.equal([0, 0]); // the scheduler itself was on time
      expect(elapsed).to.equal(1000);
    });

    it("records the send lag of a busy event loop and still counts latency from each slot", async () => {
      // Each send costs 30 ms of client CPU, the slots are 25 ms apart: the scheduler falls behind
      // and catches up without yielding, so slot i leaves at 30·i ms (5·i ms late), and no answer
      // is read before the last send at 270 ms returns at 300 ms.
      const v = virtualRun({ busyMsPerSend: 30 });
      await v.run(runOpen(v.ctx, 40, 0.25));
      expect(v.server.sentAtMs).to.deep.equal(steps(10, 30));
      expect(v.recorder.latencies).to.deep.equal(steps(10, -25, 300));
      expect(v.recorder.maxSendLagMs).to.equal(45);
      expect(v.recorder.late).to.equal(7); // lags 15…45 ms exceed LATE_THRESHOLD_MS (10)
    });

    it("counts the wait for a socket: a request due while every socket is busy starts late, and its latency shows it", async () => {
      // Two sockets, 1 s answers, slots 50 ms apart: the transport (like http.Agent) queues what finds
      // no free socket, so slot i leaves at 1000·floor(i/2) + 50·(i mod 2) ms and is answered 1 s later.
      const v = virtualRun({ sockets: 2, answer: () => ({ delayMs: 1000 }) });
      const elapsed = await v.run(runOpen(v.ctx, 20, 0.3));
      expect(v.server.sentAtMs).to.deep.equal([0, 50, 1000, 1050, 2000, 2050]);
      expect(v.recorder.latencies).to.deep.equal([1000, 1000, 1900, 1900, 2800, 2800]);
      expect([v.recorder.maxSendLagMs, v.recorder.late]).to.deep.equal([0, 0]); // the scheduler itself was on time
      expect(elapsed).to.equal(3050);
    });

    it("records a timeout as ERR_TIMEOUT with the latency up to the timeout", async () => {
      const v = virtualRun({ timeoutMs: 100, answer: () => ({ delayMs: 400 }) });
      await v.run(runOpen(v.ctx, 1, 0.5));
      expect(v.recorder.statuses).to.deep.equal({ ERR_TIMEOUT: 1 });
      expect(v.recorder.latencies).to.deep.equal([100]);
    });

    it("records a 503 as a failed request that still has a latency", async () => {
      const v = virtualRun({ answer: () => ({ status: "503", delayMs: 20 }) });
      await v.run(runOpen(v.ctx, 10, 0.2));
      expect(v.recorder.statuses).to.deep.equal({ "503": 2 });
      expect([v.recorder.okRequests, v.recorder.eventsAcknowledged]).to.deep.equal([0, 0]);
      expect(v.recorder.latencies).to.deep.equal([20, 20]);
    });

    it("records refused connections without a latency sample", async () => {
      const v = virtualRun({ answer: () => ({ status: "ERR_ECONNREFUSED" }) });
      await v.run(runOpen(v.ctx, 10, 0.3));
      expect(v.server.sentAtMs).to.deep.equal([0, 100, 200]);
      expect(v.recorder.statuses).to.deep.equal({ ERR_ECONNREFUSED: 3 });
      expect([v.recorder.latencies.length, v.recorder.successRate]).to.deep.equal([0, 0]);
    });
  });

  describe("closed model on virtual time", () => {
    it("keeps exactly --concurrency requests in flight until the duration is over", async () => {
      const v = virtualRun({ answer: () => ({ delayMs: 50 }) });
      const elapsed = await v.run(runClosed(v.ctx, 3, 0.5));
      expect(v.server.maxConcurrent).to.equal(3);
      expect(v.server.sentAtMs).to.deep.equal(steps(10, 50).flatMap((t) => [t, t, t]));
      expect(v.recorder.latencies).to.deep.equal(Array(30).fill(50));
      expect(elapsed).to.equal(500);
    });

    it("sends batches and adopts the session ids the server rolls over", async () => {
      const v = virtualRun({ rollSessions: true, answer: () => ({ delayMs: 10 }) }, { batch: 5, sessions: 2 });
      await v.run(runClosed(v.ctx, 2, 0.2));
      expect(v.server.bodies).to.have.length(40); // 2 clients × 20 rounds of 10 ms
      expect(v.server.bodies.every((b) => b.events.length === 5)).to.equal(true);
      expect(v.traffic.sessionsAdopted).to.equal(2);
      // After its first answer every visitor sends the server's id.
      const later = v.server.bodies.slice(2).flatMap((b) => b.events.map((e: { session_id: string }) => e.session_id));
      expect(later.every((id: string) => id.startsWith(ROLLED_PREFIX))).to.equal(true);
      expect(v.recorder.eventsAcknowledged).to.equal(200);
    });

    it("backs off on refused connections, doubling from 100 ms to at most 2000 ms", async () => {
      const v = virtualRun({ answer: () => ({ status: "ERR_ECONNREFUSED" }) });
      const elapsed = await v.run(runClosed(v.ctx, 1, 10));
      expect(REFUSED_BACKOFF_MS).to.deep.equal({ first: 100, max: 2000 });
      // pauses 100, 200, 400, 800, 1600, 2000, 2000, 2000, then the last one is cut at the end
      expect(v.server.sentAtMs).to.deep.equal([0, 100, 300, 700, 1500, 3100, 5100, 7100, 9100]);
      expect(elapsed).to.equal(10_000);
    });

    it("resets the back-off after any HTTP answer", async () => {
      const v = virtualRun({ answer: (n) => ({ status: n === 2 ? "200" : "ERR_ECONNREFUSED" }) });
      await v.run(runClosed(v.ctx, 1, 1));
      expect(v.server.sentAtMs).to.deep.equal([0, 100, 300, 300, 400, 600]);
      expect(v.recorder.statuses).to.deep.equal({ ERR_ECONNREFUSED: 5, "200": 1 });
    });
  });

  // Real sockets only for what does not depend on timing: what goes on the wire and how the HTTP
  // transport classifies each outcome.
  describe("over real HTTP", function () {
    this.timeout(10_000);
    let server: StubServer | undefined;
    let h: Harness | undefined;
    const overHttp = (url: string, timeoutMs = 5000, batch = 1) =>
      harness(createHttpTransport(url, 2, timeoutMs), realTimers, { batch, sessions: 2 });
    afterEach(async () => {
      h?.ctx.transport.close();
      await server?.close();
      server = undefined;
      h = undefined;
    });

    it("posts each batch as JSON with the load tester's user agent and reads the collector's answer", async () => {
      server = await startStubServer({ rollSessions: true });
      h = overHttp(server.url, 5000, 5);
      await runOpen(h.ctx, 10, 0.2);
      expect(server.requests.map((r) => [r.userAgent, r.body.events.length])).to.deep.equal([
        ["liveinsight-loadtest/1", 5],
        ["liveinsight-loadtest/1", 5],
      ]);
      expect([h.recorder.okRequests, h.recorder.eventsAcknowledged]).to.deep.equal([2, 10]);
    });

    it("reports a request the server does not answer in time as ERR_TIMEOUT", async () => {
      server = await startStubServer({ delayMs: 400 });
      h = overHttp(server.url, 100);
      await runOpen(h.ctx, 1, 0.5);
      expect(h.recorder.statuses).to.deep.equal({ ERR_TIMEOUT: 1 });
    });

    it("reports a closed port as ERR_ECONNREFUSED", async () => {
      const stopped = await startStubServer();
      await stopped.close();
      h = overHttp(stopped.url);
      await runOpen(h.ctx, 10, 0.3);
      expect(h.recorder.statuses).to.deep.equal({ ERR_ECONNREFUSED: 3 });
    });
  });
});
