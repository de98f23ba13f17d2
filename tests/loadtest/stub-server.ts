// A tiny stand-in for the collector: answers POST /events with the collector's 200 JSON shape
// (docs/api.md), optionally slowly or with a rolled-over session id. Loopback only. Timing behaviour
// is tested on virtual time (virtual-time.ts); this server checks what goes over a real socket.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface StubRequest {
  body: any;
  userAgent: string | undefined;
}

export interface StubOptions {
  /** ms before answering each request */
  delayMs?: number;
  /** status to answer with (200 by default; non-2xx gets a JSON error body) */
  status?: number;
  /** answer with a new session id for any session id not yet rolled (tests adoption) */
  rollSessions?: boolean;
}

export interface StubServer {
  url: string;
  requests: StubRequest[];
  close(): Promise<void>;
}

export const ROLLED_PREFIX = "rolled_";

export function collectorResponse(body: any, rollSessions: boolean): unknown {
  const resolve = (sessionId: string) =>
    rollSessions && !sessionId.startsWith(ROLLED_PREFIX) ? `${ROLLED_PREFIX}${sessionId}` : sessionId;
  if (Array.isArray(body?.events)) {
    return {
      message: "Events processed successfully",
      accepted: body.events.length,
      event_ids: body.events.map((e: any) => e.event_id),
      session_ids: body.events.map((e: any) => resolve(e.session_id)),
    };
  }
  return { message: "Event processed successfully", event_id: body.event_id, session_id: resolve(body.session_id) };
}

export async function startStubServer(options: StubOptions = {}): Promise<StubServer> {
  const requests: StubRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      requests.push({ body, userAgent: req.headers["user-agent"] });
      setTimeout(() => {
        const status = options.status ?? 200;
        const payload =
          status === 200 ? collectorResponse(body, options.rollSessions === true) : { error: "StorageUnavailable", retryable: true };
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(payload));
      }, options.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/events`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
