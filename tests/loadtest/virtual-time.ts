// Virtual time for the scheduler tests: the clock moves only when every piece of work is waiting
// on a timer, and then jumps straight to the earliest one, so schedules are asserted exactly and a
// loaded machine cannot make a test late. Hand-written because the scheduler takes its timers from
// its RunContext; faking the global setTimeout (sinon, node:test mock timers) would also fake the
// timers of everything else in the mocha process.
import type { SendResult, Transport } from "../../scripts/lib/http-client";
import { collectorResponse } from "./stub-server";

interface Timer {
  atMs: number;
  order: number;
  fire: () => void;
}

export class VirtualClock {
  nowMs = 0;
  private timers: Timer[] = [];
  private order = 0;

  readonly clock = () => this.nowMs;

  readonly wallClock = () => Date.UTC(2025, 0, 15) + this.nowMs;

  readonly sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      this.timers.push({ atMs: this.nowMs + Math.max(0, ms), order: this.order++, fire: resolve });
    });

  /** Synchronous work that keeps the event loop busy: time passes and no timer can fire meanwhile. */
  busy(ms: number): void {
    this.nowMs += ms;
  }

  /** Runs `work` to completion, advancing time whenever all of it waits on timers. */
  async run<T>(work: Promise<T>): Promise<T> {
    let settled = false;
    const done = work.finally(() => {
      settled = true;
    });
    for (;;) {
      // setImmediate runs after every queued promise callback: all work that can move has moved.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (settled) return done;
      const next = this.timers.sort((a, b) => a.atMs - b.atMs || a.order - b.order).shift();
      if (!next) throw new Error("virtual clock: the work waits on nothing and can never finish");
      this.nowMs = Math.max(this.nowMs, next.atMs);
      next.fire();
    }
  }
}

export interface FakeAnswer {
  status?: string;
  /** ms the server takes to answer */
  delayMs?: number;
}

export interface FakeServerOptions {
  /** the answer to request n (0-based, in send order); 200 after 0 ms by default */
  answer?: (n: number) => FakeAnswer;
  /** answer one request at a time, in arrival order (a server with a single worker) */
  serial?: boolean;
  /** answer with a new session id for any session id not yet rolled */
  rollSessions?: boolean;
  /** ms of client CPU each send costs (a busy event loop) */
  busyMsPerSend?: number;
  /** the transport gives up after this many ms and reports ERR_TIMEOUT, as http-client does */
  timeoutMs?: number;
  /** the transport has this many sockets; a request waits for a free one, as with http.Agent's maxSockets */
  sockets?: number;
}

export interface FakeServer {
  transport: Transport;
  /** virtual ms at which each request was sent */
  sentAtMs: number[];
  bodies: any[];
  maxConcurrent: number;
}

/** A transport whose server lives on the virtual clock. */
export function fakeServer(time: VirtualClock, options: FakeServerOptions = {}): FakeServer {
  const server: FakeServer = { transport: undefined as unknown as Transport, sentAtMs: [], bodies: [], maxConcurrent: 0 };
  let active = 0;
  let queue = Promise.resolve();
  const answer = (status: string, body: any): SendResult => {
    if (!/^\d+$/.test(status)) return { status, ok: false, body: null };
    const ok = status.startsWith("2");
    return { status, ok, body: ok ? collectorResponse(body, options.rollSessions === true) : { error: "StorageUnavailable" } };
  };
  let freeSockets = options.sockets ?? Number.POSITIVE_INFINITY;
  const waitingForSocket: (() => void)[] = [];
  const releaseSocket = () => {
    const next = waitingForSocket.shift();
    if (next) next();
    else freeSockets++;
  };
  const send = async (text: string): Promise<SendResult> => {
    // Synchronous while a socket is free: the client's CPU cost (busyMsPerSend) lands inside the scheduler's loop.
    if (freeSockets > 0) freeSockets--;
    else await new Promise<void>((resolve) => waitingForSocket.push(resolve));
    const n = server.sentAtMs.length;
    const body = JSON.parse(text);
    server.sentAtMs.push(time.nowMs);
    server.bodies.push(body);
    time.busy(options.busyMsPerSend ?? 0);
    const { status = "200", delayMs = 0 } = options.answer?.(n) ?? {};
    active++;
    server.maxConcurrent = Math.max(server.maxConcurrent, active);
    const served = options.serial ? (queue = queue.then(() => time.sleep(delayMs))) : time.sleep(delayMs);
    const timedOut = options.timeoutMs === undefined ? null : time.sleep(options.timeoutMs).then(() => "timeout" as const);
    const outcome = await Promise.race([served.then(() => "served" as const), ...(timedOut ? [timedOut] : [])]);
    active--;
    releaseSocket();
    return answer(outcome === "timeout" ? "ERR_TIMEOUT" : status, body);
  };
  server.transport = { send, close: () => undefined };
  return server;
}
