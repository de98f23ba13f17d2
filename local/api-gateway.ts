/**
 * The documented behaviour of an API Gateway HTTP API that local mode copies, as pure functions
 * over contracts/edge.ts. Each rule cites the page it comes from:
 * - CORS: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html
 * - routes: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
 * - payload format 2.0: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 * - quotas: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html
 */

import { randomUUID } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import type { CorsConfiguration, EdgeRoute } from "../contracts/edge";

export interface GatewayResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Quotas: an HTTP API takes a request "Payload size" of up to 10 MB (not adjustable). Up to this
 * size local mode reads the whole body before it answers, as API Gateway does before it invokes
 * the function, so a client that writes its whole body before reading gets its 413 too.
 */
export const GATEWAY_PAYLOAD_BYTES = 10 * 1024 * 1024;

/** API Gateway's own error bodies are `{"message": "..."}` with the status text. */
export const gatewayError = (statusCode: number, message: string): GatewayResponse => ({
  statusCode,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ message }),
});

/** The request-target as path and query, or undefined when it is not a URL (answered 400). */
export function parseTarget(target: string): { path: string; query: string } | undefined {
  // A URL parser reads "//x" as the host x, not as a path: refused rather than guessed at.
  if (target.startsWith("//")) return undefined;
  try {
    const url = target.startsWith("/") ? new URL(`http://localhost${target}`) : new URL(target);
    if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
    return { path: url.pathname, query: url.search.slice(1) };
  } catch {
    return undefined;
  }
}

/**
 * Routes: a route matches its method and exact path; nothing else does (no ANY, no $default in
 * this API), so an unmatched request gets API Gateway's 404 `{"message":"Not Found"}`.
 */
export function matchRoute(routes: readonly EdgeRoute[], method: string, path: string): EdgeRoute | undefined {
  return routes.find((r) => r.method === method && r.path.path === path);
}

/**
 * CORS: "For the OPTIONS method, your request must contain both an origin header and an
 * Access-Control-Request-Method header" to get CORS headers; such a request is a preflight and
 * API Gateway answers it itself, "even if there isn't an OPTIONS route configured".
 */
export const isPreflight = (method: string, headers: IncomingHttpHeaders) =>
  method === "OPTIONS" && typeof headers.origin === "string" && typeof headers["access-control-request-method"] === "string";

/** CORS: "To return CORS headers, your request must contain an origin header"; an origin not allowed gets none. */
function allowOrigin(origin: string | undefined, cors: CorsConfiguration): Record<string, string> {
  if (!origin) return {};
  if (cors.allowOrigins.includes("*")) return { "access-control-allow-origin": "*" };
  return cors.allowOrigins.includes(origin) ? { "access-control-allow-origin": origin, vary: "origin" } : {};
}

/** The preflight answer from the CORS configuration: 204 with the configured headers, or none for a refused origin. */
export function preflightResponse(origin: string, cors: CorsConfiguration): GatewayResponse {
  const allowed = allowOrigin(origin, cors);
  if (!allowed["access-control-allow-origin"]) return { statusCode: 204, headers: {}, body: "" };
  return {
    statusCode: 204,
    headers: {
      ...allowed,
      "access-control-allow-methods": cors.allowMethods.join(","),
      "access-control-allow-headers": cors.allowHeaders.join(","),
      "access-control-max-age": String(cors.maxAge),
    },
    body: "",
  };
}

/**
 * CORS: "For a CORS request, API Gateway adds the configured CORS headers to the response from
 * an integration" and "ignores CORS headers returned from your backend integration".
 */
export function withCors(headers: Record<string, string>, origin: string | undefined, cors: CorsConfiguration): Record<string, string> {
  const own = Object.fromEntries(Object.entries(headers).filter(([name]) => !name.toLowerCase().startsWith("access-control-")));
  const added = allowOrigin(origin, cors);
  if (added["access-control-allow-origin"] && cors.exposeHeaders?.length)
    added["access-control-expose-headers"] = cors.exposeHeaders.join(",");
  return { ...own, ...added };
}

const TEXT_TYPES = /^(application\/(json|[\w.+-]+\+json|x-www-form-urlencoded)|text\/[\w.+-]+)\s*(;|$)/i;

export interface GatewayRequest {
  method: string;
  path: string;
  query: string;
  httpVersion: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The socket peer: what API Gateway reports as requestContext.http.sourceIp. */
  peer: string | undefined;
}

/**
 * Payload format 2.0: header names lower-cased, duplicate headers "combined with commas", cookies
 * moved to a `cookies` array, a binary body base64-encoded with `isBase64Encoded`.
 */
export function toApiGatewayEvent(req: GatewayRequest, routeKey: string): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers))
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(",") : value;
  const cookies = headers.cookie
    ?.split(";")
    .map((c) => c.trim())
    .filter(Boolean);
  delete headers.cookie;
  const query = new URLSearchParams(req.query);
  const queryStringParameters: Record<string, string> = {};
  for (const key of new Set(query.keys())) queryStringParameters[key] = query.getAll(key).join(",");
  const text = TEXT_TYPES.test(headers["content-type"] ?? "application/json");
  const now = new Date();
  return {
    version: "2.0",
    routeKey,
    rawPath: req.path,
    rawQueryString: req.query,
    ...(cookies?.length ? { cookies } : {}),
    headers,
    ...(req.query ? { queryStringParameters } : {}),
    body: req.body.length ? (text ? req.body.toString("utf8") : req.body.toString("base64")) : undefined,
    isBase64Encoded: req.body.length > 0 && !text,
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      domainName: headers.host ?? "localhost",
      domainPrefix: "local",
      // An IPv4 client of a dual-stack socket shows as ::ffff:a.b.c.d; API Gateway reports a.b.c.d.
      http: {
        method: req.method,
        path: req.path,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: (req.peer ?? "127.0.0.1").replace(/^::ffff:(?=\d+\.)/, ""),
        userAgent: headers["user-agent"] ?? "",
      },
      requestId: randomUUID(),
      routeKey,
      stage: "$default",
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
  };
}

/** The integration's structured result as the bytes API Gateway sends (a base64 body decoded). */
export function fromLambdaResult(result: APIGatewayProxyStructuredResultV2): {
  statusCode: number;
  headers: Record<string, string>;
  body: Buffer;
} {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name.toLowerCase()] = String(value);
  const body = result.isBase64Encoded ? Buffer.from(result.body ?? "", "base64") : Buffer.from(result.body ?? "");
  return { statusCode: result.statusCode ?? 200, headers, body };
}
