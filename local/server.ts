import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { randomUUID } from "node:crypto";
import http from "node:http";
import { ClientError, clientErrorResult, HttpResult, jsonResult } from "../functions/core/errors";
import { LIMITS } from "../functions/core/validate";

export type LambdaHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

export interface LocalApiOptions {
  collector: LambdaHandler;
  realtime: LambdaHandler;
  /** The function timeout the local "invocation" gets, like the stack's timeoutSeconds. */
  timeoutMs: number;
  /** Allowed CORS origins; `*` allows any. */
  corsOrigins: readonly string[];
}

const ROUTES: Record<string, { method: string; handler: keyof Pick<LocalApiOptions, "collector" | "realtime"> }> = {
  "/events": { method: "POST", handler: "collector" },
  "/realtime": { method: "GET", handler: "realtime" },
};

const TEXT_TYPES = /^(application\/(json|[\w.+-]+\+json|x-www-form-urlencoded)|text\/[\w.+-]+)\s*(;|$)/i;

function corsHeaders(origin: string | undefined, allowed: readonly string[]): Record<string, string> {
  if (!origin) return {};
  if (allowed.includes("*")) return { "access-control-allow-origin": "*" };
  return allowed.includes(origin) ? { "access-control-allow-origin": origin, vary: "origin" } : {};
}

function send(res: http.ServerResponse, result: HttpResult & { isBase64Encoded?: boolean } | APIGatewayProxyStructuredResultV2, extra: Record<string, string>) {
  const headers = { ...(result.headers as Record<string, string> | undefined), ...extra };
  const body = result.isBase64Encoded ? Buffer.from(result.body ?? "", "base64") : Buffer.from(result.body ?? "");
  res.writeHead(result.statusCode ?? 200, { ...headers, "content-length": String(body.length) });
  res.end(body);
}

/** Reads the body up to the collector's limit; beyond it the client gets 413 without an invocation. */
function readBody(req: http.IncomingMessage): Promise<Buffer | "too-large"> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on("data", (part: Buffer) => {
      size += part.length;
      if (size > LIMITS.bodyBytes) return resolve("too-large");
      parts.push(part);
    });
    req.on("end", () => resolve(Buffer.concat(parts)));
    req.on("error", reject);
  });
}

/** The HTTP API payload format 2.0 event the gateway would send for this request. */
export function toApiGatewayEvent(req: http.IncomingMessage, body: Buffer, routeKey: string): APIGatewayProxyEventV2 {
  const url = new URL(req.url ?? "/", "http://localhost");
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(",") : value;
  const text = TEXT_TYPES.test(headers["content-type"] ?? "application/json");
  const now = new Date();
  return {
    version: "2.0",
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    body: body.length ? (text ? body.toString("utf8") : body.toString("base64")) : undefined,
    isBase64Encoded: body.length > 0 && !text,
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      domainName: headers.host ?? "localhost",
      domainPrefix: "local",
      http: { method: req.method ?? "GET", path: url.pathname, protocol: `HTTP/${req.httpVersion}`, sourceIp: req.socket.remoteAddress ?? "127.0.0.1", userAgent: headers["user-agent"] ?? "" },
      requestId: randomUUID(),
      routeKey,
      stage: "$default",
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
  };
}

function lambdaContext(timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  return { awsRequestId: randomUUID(), getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) } as Context;
}

/** A small stand-in for the HTTP API: the same routes, CORS preflight, body limit, 404/405. */
export function createLocalApi(options: LocalApiOptions): http.Server {
  return http.createServer(async (req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    const route = ROUTES[path];
    const cors = corsHeaders(req.headers.origin, options.corsOrigins);
    if (!route) return send(res, jsonResult(404, { error: "NotFound", message: `No route for ${req.method} ${path}; the API serves POST /events and GET /realtime.` }), cors);
    if (req.method === "OPTIONS") {
      return send(res, { statusCode: 204, headers: { ...cors, "access-control-allow-methods": `${route.method},OPTIONS`, "access-control-allow-headers": "content-type", "access-control-max-age": "3600" }, body: "" }, {});
    }
    try {
      const body = await readBody(req);
      if (body === "too-large") {
        const error = new ClientError(413, "PayloadTooLarge", `The body is larger than ${LIMITS.bodyBytes} bytes; send at most ${LIMITS.bodyBytes} bytes.`);
        return send(res, clientErrorResult(error), { ...cors, connection: "close" });
      }
      const event = toApiGatewayEvent(req, body, `${route.method} ${path}`);
      send(res, await options[route.handler](event, lambdaContext(options.timeoutMs)), cors);
    } catch {
      send(res, jsonResult(500, { error: "InternalError", message: "The local API failed to handle the request." }), cors);
    }
  });
}
