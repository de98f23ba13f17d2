/**
 * Local stand-in for the HTTP API: the routes and CORS settings of contracts/edge.ts, served the
 * way API Gateway serves them (rules and their AWS references in local/api-gateway.ts), in front
 * of the same function handlers the stack deploys.
 */

import { randomUUID } from "node:crypto";
import http from "node:http";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { trackerAsset } from "../components/tracker-asset";
import { type CorsConfiguration, corsConfiguration, edgeRoutes, type RouteTarget } from "../contracts/edge";
import { STATS_PATHS } from "../contracts/stats";
import { ClientError, clientErrorResult } from "../functions/core/errors";
import { LIMITS } from "../functions/core/validate";
import { trackerHandler } from "../functions/tracker";
import {
  fromLambdaResult,
  type GatewayResponse,
  gatewayError,
  isPreflight,
  matchRoute,
  parseTarget,
  preflightResponse,
  toApiGatewayEvent,
  withCors,
} from "./api-gateway";

export type LambdaHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

export interface LocalApiOptions {
  collector: LambdaHandler;
  realtime: LambdaHandler;
  /** Serves GET /tracker.js. Default: the tracker built from tracker/ at start. */
  tracker?: LambdaHandler;
  /** Serves GET /stats, /stats/realtime and /dashboard (the stats function); absent → 404. */
  stats?: LambdaHandler;
  /** The function timeout the local "invocation" gets, like the stack's timeoutSeconds. */
  timeoutMs: number;
  /** Allowed CORS origins; `*` allows any. */
  corsOrigins: readonly string[];
}

const ROUTES = edgeRoutes();

function send(res: http.ServerResponse, statusCode: number, headers: Record<string, string>, body: Buffer | string) {
  const bytes = typeof body === "string" ? Buffer.from(body) : body;
  res.writeHead(statusCode, { ...headers, "content-length": String(bytes.length) });
  res.end(bytes);
}

const sendGateway = (res: http.ServerResponse, response: GatewayResponse) =>
  send(res, response.statusCode, response.headers, response.body);

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

function lambdaContext(timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  return { awsRequestId: randomUUID(), getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) } as Context;
}

const STATS_ROUTES = new Set<string>(Object.values(STATS_PATHS));

/**
 * The stats API is its own HTTP API on AWS, without a CORS configuration (components/stats-api.ts),
 * so its answers carry no CORS headers and a preflight reaches the function (which answers 405).
 */
async function handleStatsRoute(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  target: { path: string; query: string },
  stats: LambdaHandler,
  timeoutMs: number,
) {
  const event = toApiGatewayEvent(
    {
      method: req.method ?? "GET",
      path: target.path,
      query: target.query,
      httpVersion: req.httpVersion,
      headers: req.headers,
      body: Buffer.alloc(0),
      peer: req.socket.remoteAddress,
    },
    `${req.method ?? "GET"} ${target.path}`,
  );
  req.resume();
  try {
    const result = fromLambdaResult(await stats(event, lambdaContext(timeoutMs)));
    send(res, result.statusCode, result.headers, result.body);
  } catch {
    sendGateway(res, gatewayError(500, "Internal Server Error"));
  }
}

async function handle(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  handlers: Record<RouteTarget, LambdaHandler>,
  cors: CorsConfiguration,
  timeoutMs: number,
  stats?: LambdaHandler,
) {
  const method = req.method ?? "GET";
  const origin = typeof req.headers.origin === "string" ? req.headers.origin : undefined;
  const target = parseTarget(req.url ?? "");
  if (!target) return sendGateway(res, gatewayError(400, "Bad Request"));
  if (stats && STATS_ROUTES.has(target.path)) return handleStatsRoute(req, res, target, stats, timeoutMs);
  if (isPreflight(method, req.headers)) return sendGateway(res, preflightResponse(origin!, cors));
  const route = matchRoute(ROUTES, method, target.path);
  if (!route) return sendGateway(res, gatewayError(404, "Not Found"));
  const body = await readBody(req);
  if (body === "too-large") {
    const error = clientErrorResult(
      new ClientError(413, "PayloadTooLarge", `The body is larger than ${LIMITS.bodyBytes} bytes; send at most ${LIMITS.bodyBytes} bytes.`),
    );
    return send(res, 413, withCors({ ...error.headers, connection: "close" }, origin, cors), error.body);
  }
  const event = toApiGatewayEvent(
    {
      method,
      path: target.path,
      query: target.query,
      httpVersion: req.httpVersion,
      headers: req.headers,
      body,
      peer: req.socket.remoteAddress,
    },
    route.routeKey,
  );
  let result: ReturnType<typeof fromLambdaResult>;
  try {
    result = fromLambdaResult(await handlers[route.path.target](event, lambdaContext(timeoutMs)));
  } catch {
    // A function that throws reaches the client as API Gateway's own 500.
    return sendGateway(res, gatewayError(500, "Internal Server Error"));
  }
  send(res, result.statusCode, withCors(result.headers, origin, cors), result.body);
}

/** The HTTP API on this machine: same routes, CORS, payload format and gateway errors as on AWS. */
export function createLocalApi(options: LocalApiOptions): http.Server {
  const handlers: Record<RouteTarget, LambdaHandler> = {
    collector: options.collector,
    realtime: options.realtime,
    tracker: options.tracker ?? trackerHandler(trackerAsset()),
  };
  const cors = corsConfiguration(options.corsOrigins);
  return http.createServer((req, res) => {
    handle(req, res, handlers, cors, options.timeoutMs, options.stats).catch(() => {
      // Only a broken connection gets here (the handlers' errors are answered above).
      if (!res.headersSent) sendGateway(res, gatewayError(500, "Internal Server Error"));
      else res.destroy();
    });
  });
}
