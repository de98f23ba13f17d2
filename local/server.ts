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
import { clientErrorResult } from "../functions/core/errors";
import { payloadTooLargeError } from "../functions/core/request";
import { LIMITS } from "../functions/core/validate";
import { trackerHandler } from "../functions/tracker";
import {
  fromLambdaResult,
  GATEWAY_PAYLOAD_BYTES,
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
  /** Invocations run at once (default LOCAL_CONCURRENCY); the rest wait their turn. */
  concurrency?: number;
  /** How long the rest of a body over GATEWAY_PAYLOAD_BYTES is still read after its 413. Default 5 s. */
  lingerMs?: number;
}

/** Long enough for a client on a slow uplink to finish a few more MB, short enough to bound a sender that never stops. */
export const DEFAULT_LINGER_MS = 5000;

/**
 * On AWS every concurrent request gets its own container and its own timeout; here they share one
 * process and one storage process. So, as a Lambda invocation starts only when a container is
 * free, at most this many run at once and the others wait, their timeout starting when they
 * start: concurrency costs latency here, never a 503 that Lambda would not give. Per function.
 */
export const LOCAL_CONCURRENCY = 2;

/** A FIFO gate: `run(fn)` starts `fn` once fewer than `limit` runs are in progress. */
function gate(limit: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await fn();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

type Gate = ReturnType<typeof gate>;
/** One gate per function: each has its own containers on AWS. */
type Gates = Record<RouteTarget, Gate>;

const ROUTES = edgeRoutes();

function send(res: http.ServerResponse, statusCode: number, headers: Record<string, string>, body: Buffer | string) {
  const bytes = typeof body === "string" ? Buffer.from(body) : body;
  res.writeHead(statusCode, { ...headers, "content-length": String(bytes.length) });
  res.end(bytes);
}

const sendGateway = (res: http.ServerResponse, response: GatewayResponse) =>
  send(res, response.statusCode, response.headers, response.body);

/**
 * The body, or the size of one over `limit`: exact when the body ended (up to
 * GATEWAY_PAYLOAD_BYTES it is read to its end) or declared beyond that, a lower bound for a
 * chunked one counted beyond that. Nothing beyond `limit` is kept in memory.
 */
type Body = { bytes: Buffer } | { tooLarge: { bytes: number; moreThan: boolean } };

function readBody(req: http.IncomingMessage, limit: number): Promise<Body> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"]);
    if (declared > GATEWAY_PAYLOAD_BYTES) return resolve({ tooLarge: { bytes: declared, moreThan: false } });
    const parts: Buffer[] = [];
    let size = 0;
    req.on("data", (part: Buffer) => {
      size += part.length;
      if (size <= limit) parts.push(part);
      else if (parts.length) parts.length = 0;
      if (size > GATEWAY_PAYLOAD_BYTES) resolve({ tooLarge: { bytes: GATEWAY_PAYLOAD_BYTES, moreThan: true } });
    });
    req.on("end", () => resolve(size > limit ? { tooLarge: { bytes: size, moreThan: false } } : { bytes: Buffer.concat(parts) }));
    req.on("error", reject);
  });
}

/**
 * After an early answer the rest of the body is still read and discarded (a lingering close, as
 * web servers do), because closing a socket with unread bytes makes the kernel send a reset that
 * can destroy the answer before the client reads it (EPIPE/ECONNRESET while uploading). Bounded:
 * a body still arriving `lingerMs` after the answer loses its connection.
 */
function discardRest(req: http.IncomingMessage, lingerMs: number) {
  if (req.complete) return;
  req.resume();
  const timer = setTimeout(() => req.socket.destroy(), lingerMs);
  timer.unref();
  req.once("end", () => clearTimeout(timer));
  req.once("close", () => clearTimeout(timer));
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
  invocations: Gates,
  lingerMs: number,
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
  const body = await readBody(req, LIMITS.bodyBytes);
  if ("tooLarge" in body) {
    // The function's own 413, so local mode and a deployed stack say the same sentence.
    const error = clientErrorResult(payloadTooLargeError(body.tooLarge.bytes, body.tooLarge.moreThan));
    send(res, 413, withCors(error.headers, origin, cors), error.body);
    return discardRest(req, lingerMs);
  }
  const event = toApiGatewayEvent(
    {
      method,
      path: target.path,
      query: target.query,
      httpVersion: req.httpVersion,
      headers: req.headers,
      body: body.bytes,
      peer: req.socket.remoteAddress,
    },
    route.routeKey,
  );
  let result: ReturnType<typeof fromLambdaResult>;
  try {
    const fn = route.path.target;
    result = fromLambdaResult(await invocations[fn](() => handlers[fn](event, lambdaContext(timeoutMs))));
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
  const limit = options.concurrency ?? LOCAL_CONCURRENCY;
  const invocations: Gates = { collector: gate(limit), realtime: gate(limit), tracker: gate(limit) };
  return http.createServer((req, res) => {
    handle(req, res, handlers, cors, options.timeoutMs, invocations, options.lingerMs ?? DEFAULT_LINGER_MS, options.stats).catch(() => {
      // Only a broken connection gets here (the handlers' errors are answered above).
      if (!res.headersSent) sendGateway(res, gatewayError(500, "Internal Server Error"));
      else res.destroy();
    });
  });
}
