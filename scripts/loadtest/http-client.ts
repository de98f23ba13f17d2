// The client side of the load test. It uses http.request with a keep-alive agent sized to the
// load (concurrency, or the open model's in-flight cap): measured on this repo's 2-vCPU machine
// against a trivial local server it costs ~160 µs of client CPU per request, against ~650 µs
// for Node 20's global fetch (undici), so the client stays far from being the bottleneck.
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

export interface TransportOptions {
  url: string;
  sockets: number;
  timeoutMs: number;
}

const USER_AGENT = "liveinsight-loadtest/1";

export function createHttpTransport(options: TransportOptions): Transport {
  const target = new URL(options.url);
  const secure = target.protocol === "https:";
  const agentOptions = { keepAlive: true, maxSockets: options.sockets, maxFreeSockets: options.sockets };
  const agent = secure ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
  const request = secure ? https.request : http.request;
  const base = {
    protocol: target.protocol,
    hostname: target.hostname,
    port: target.port || undefined,
    path: target.pathname + target.search,
    method: "POST",
    agent,
  };
  return {
    send: (body) => sendOnce(request, base, body, options.timeoutMs),
    close: () => agent.destroy(),
  };
}

type RequestFn = typeof http.request;

function sendOnce(request: RequestFn, base: http.RequestOptions, body: string, timeoutMs: number): Promise<SendResult> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: SendResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const fail = (error: NodeJS.ErrnoException) => finish({ status: errorStatus(error), ok: false, body: null });
    const headers = {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
      "user-agent": USER_AGENT,
    };
    const req = request({ ...base, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", fail);
      res.on("end", () => {
        const code = res.statusCode ?? 0;
        const ok = code >= 200 && code < 300;
        finish({ status: String(code), ok, body: ok ? parseJson(Buffer.concat(chunks).toString("utf8")) : null });
      });
    });
    // A whole-request deadline (connect + send + wait + read); socket idle timeouts would not
    // catch a server that trickles bytes.
    const timer = setTimeout(() => req.destroy(Object.assign(new Error("request timed out"), { code: "TIMEOUT" })), timeoutMs);
    req.on("error", fail);
    req.end(body);
  });
}

function errorStatus(error: NodeJS.ErrnoException): string {
  return `ERR_${(error.code ?? "NETWORK").replace(/^ERR_/, "")}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
