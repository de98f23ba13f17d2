// The tools' HTTP client (load test, soak): http.request on a keep-alive agent sized to the load. Measured
// on this repo's 2-vCPU machine against a trivial local server it costs ~160 µs of client CPU per
// request against ~650 µs for Node 20's global fetch (undici), so the client stays far from being
// the bottleneck.
import http from "node:http";
import https from "node:https";

export interface SendResult {
  /** HTTP status ("200") or "ERR_TIMEOUT" / "ERR_ECONNREFUSED" / "ERR_ECONNRESET" / … */
  status: string;
  ok: boolean;
  /** parsed JSON body of a 2xx response (null otherwise, or when it is not JSON) */
  body: unknown;
}

export interface Transport {
  send(body: string): Promise<SendResult>;
  close(): void;
}

export function createHttpTransport(url: string, sockets: number, timeoutMs: number): Transport {
  const secure = url.startsWith("https:");
  // `timeout` gives idle sockets an expiry at all: only then does Node's agent honour the server's
  // `Keep-Alive: timeout=N` hint and close an idle socket 1 s before the server would. Without it
  // the server closes first, and a burst that picks that socket before its FIN is read gets
  // ECONNRESET (seen against local mode on a busy machine).
  const agent = new (secure ? https : http).Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets, timeout: timeoutMs });
  const request = secure ? https.request : http.request;
  const send = (body: string) =>
    new Promise<SendResult>((resolve) => {
      const headers = {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
        "user-agent": "liveinsight-loadtest/1",
      };
      const req = request(url, { method: "POST", agent, headers }, (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
        res.on("error", fail);
        res.on("end", () => {
          const ok = res.statusCode! >= 200 && res.statusCode! < 300;
          finish({ status: String(res.statusCode), ok, body: ok ? parseJson(text) : null });
        });
      });
      // A whole-request deadline (waiting for a socket, connect, send, read): a socket idle
      // timeout would not catch a server that trickles bytes.
      const timer = setTimeout(() => req.destroy(Object.assign(new Error("request timed out"), { code: "TIMEOUT" })), timeoutMs);
      function finish(result: SendResult) {
        clearTimeout(timer);
        resolve(result); // later calls (an error after the end) are no-ops on a settled promise
      }
      function fail(error: NodeJS.ErrnoException) {
        finish({ status: `ERR_${(error.code ?? "NETWORK").replace(/^ERR_/, "")}`, ok: false, body: null });
      }
      req.on("error", fail);
      req.end(body);
    });
  return { send, close: () => agent.destroy() };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
