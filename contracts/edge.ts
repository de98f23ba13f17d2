/**
 * The edge of LiveInsight as plain data: the HTTP API's CORS settings and route table. The
 * CollectorApi component turns it into API Gateway resources and local mode (local/server.ts)
 * emulates API Gateway from the same data, so the two cannot drift apart.
 */

/** Methods an HTTP API route key may name, OPTIONS aside. */
export const ROUTE_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"] as const;
export type RouteMethod = (typeof ROUTE_METHODS)[number];

/** What serves a path: a function handler (the component decides which Lambda hosts it). */
export type RouteTarget = "collector" | "realtime" | "tracker";

export interface EdgePath {
  /** Stable id for resource names (`api-<id>-route`). */
  readonly id: string;
  readonly path: string;
  /** The one method the path is for; every other method reaches the same target, which answers 405. */
  readonly method: RouteMethod;
  readonly target: RouteTarget;
}

/** Where site owners load the tracker from; the collector function serves it (functions/tracker.ts). */
export const TRACKER_PATH = "/tracker.js";

export const EDGE_PATHS: readonly EdgePath[] = [
  { id: "events", path: "/events", method: "POST", target: "collector" },
  { id: "realtime", path: "/realtime", method: "GET", target: "realtime" },
  { id: "tracker", path: TRACKER_PATH, method: "GET", target: "tracker" },
];

export interface EdgeRoute {
  readonly routeKey: string;
  readonly path: EdgePath;
  readonly method: RouteMethod;
  /** True for the path's own method, false for the ones routed only so the target can answer 405. */
  readonly primary: boolean;
}

/**
 * Every route of the API. No ANY and no OPTIONS route: API Gateway answers a CORS preflight
 * itself only when no route matches OPTIONS ("API Gateway automatically sends a response to
 * preflight OPTIONS requests, even if there isn't an OPTIONS route configured for your API",
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html); an ANY route
 * would match the preflight and hand it to a function. The other methods are routed explicitly so
 * a wrong method gets the function's 405 instead of API Gateway's 404.
 */
export function edgeRoutes(paths: readonly EdgePath[] = EDGE_PATHS): EdgeRoute[] {
  return paths.flatMap((path) =>
    [path.method, ...ROUTE_METHODS.filter((m) => m !== path.method)].map((method) => ({
      routeKey: `${method} ${path.path}`,
      path,
      method,
      primary: method === path.method,
    })),
  );
}

/** CORS settings of the HTTP API, origins aside (they come from the stack config). */
export const EDGE_CORS = {
  /** GET for /realtime and /tracker.js, POST for /events; a preflight lists both. */
  allowMethods: ["GET", "POST"],
  /** content-type is the one non-safelisted header a JSON POST sends. */
  allowHeaders: ["content-type"],
  /** Nothing beyond the CORS-safelisted response headers is read by the tracker. */
  exposeHeaders: [] as string[],
  /** Chromium caps preflight caching at two hours, so a longer max-age buys nothing. */
  maxAgeSeconds: 7200,
} as const;

export interface CorsConfiguration {
  allowOrigins: string[];
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders?: string[];
  maxAge: number;
}

/** The API's `corsConfiguration` for the given origins (`*` allows any). */
export function corsConfiguration(origins: readonly string[]): CorsConfiguration {
  const config: CorsConfiguration = {
    allowOrigins: [...origins],
    allowMethods: [...EDGE_CORS.allowMethods],
    allowHeaders: [...EDGE_CORS.allowHeaders],
    maxAge: EDGE_CORS.maxAgeSeconds,
  };
  if (EDGE_CORS.exposeHeaders.length) config.exposeHeaders = [...EDGE_CORS.exposeHeaders];
  return config;
}

/** How the tracker is cached: long enough to spare requests, short enough that a release spreads within a day. */
export const TRACKER_CACHE_CONTROL = "public, max-age=86400";
