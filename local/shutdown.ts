/**
 * Graceful stop of the local API: stop accepting, close idle keep-alive sockets at once, answer
 * every request still in flight (and any that arrives on an open socket meanwhile) with
 * `connection: close`, and destroy what is left after a grace period. The first signal starts
 * this; a second one exits at once. Acknowledged events are never lost: storage is stopped only
 * after the API has finished (local/start.ts).
 */
import type http from "node:http";

const GRACE_MS = 5000;

export interface Stopper {
  readonly stopping: boolean;
  /** Resolves once every connection is closed (answered, or forced after the grace period). */
  stop(): Promise<void>;
}

export function gracefulStopper(server: http.Server, graceMs = GRACE_MS): Stopper {
  let stopping = false;
  const inFlight = new Set<http.ServerResponse>();
  // Prepended, so it runs before the API's own handler sees the request.
  server.prependListener("request", (_req: http.IncomingMessage, res: http.ServerResponse) => {
    if (stopping) res.setHeader("connection", "close");
    inFlight.add(res);
    res.once("close", () => inFlight.delete(res));
  });
  let closed: Promise<void> | undefined;
  return {
    get stopping() {
      return stopping;
    },
    stop() {
      if (closed) return closed;
      stopping = true;
      // Node ends the socket after a response that carries `connection: close`.
      for (const res of inFlight) if (!res.headersSent) res.setHeader("connection", "close");
      closed = new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      });
      return closed;
    },
  };
}
