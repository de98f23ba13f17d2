/**
 * The facts docs/api.md states, taken from where they live instead of copied by hand: routes and
 * CORS from contracts/edge.ts, limits from the validator, throttling and origins from each
 * committed stack file as config.ts resolves it, and every error body from the code that answers
 * it — the real handlers run on a sample request (storage failing through a sender that refuses),
 * API Gateway's own answers from local mode's emulation of it.
 */
import { readdirSync } from "node:fs";
import http from "node:http";
import type { APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { DEFAULTS, parseConfig } from "../../config";
import { corsConfiguration, EDGE_CORS, EDGE_PATHS, type EdgePath } from "../../contracts/edge";
import { FUNCTION_TABLES, functionEnvironment, functionSettingsOf, readFunctionEnv } from "../../contracts/function-env";
import { apiCorsOrigins, type Site } from "../../contracts/sites";
import { tableNamesFor } from "../../contracts/tables";
import { LIMITS } from "../../functions/core/validate";
import { collectorHandler, realtimeHandler } from "../../functions/shared/handlers";
import { REPO_ROOT, stackSettings } from "../../lib/stack-file";
import { GATEWAY_PAYLOAD_BYTES, gatewayError, preflightResponse, toApiGatewayEvent } from "../../local/api-gateway";
import { DEFAULT_LINGER_MS } from "../../local/server";
import { LOCAL_CORS_ORIGINS, LOCAL_STACK } from "../../local/settings";

export interface StackFacts {
  stack: string;
  corsOrigins: readonly string[];
  /** undefined: the stack is not throttled (local mode). */
  throttle?: { rateLimit: number; burstLimit: number };
}

export interface Answer {
  route: string;
  answeredBy: "function" | "API Gateway";
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface ApiFacts {
  paths: readonly EdgePath[];
  limits: { readonly [K in keyof typeof LIMITS]: number };
  gatewayPayloadBytes: number;
  /** How long local mode still reads a body over gatewayPayloadBytes after its early 413. */
  lingerMs: number;
  cors: { allowMethods: string; allowHeaders: string; maxAge: string; exposeHeaders: readonly string[] };
  stacks: StackFacts[];
  defaults: { rateLimit: number; burstLimit: number };
  answers: Answer[];
}

/** Every committed Pulumi.<stack>.yaml as config.ts resolves it (defaults filled in), then local mode. */
export function stackFacts(root = REPO_ROOT): StackFacts[] {
  const stacks = readdirSync(root)
    .map((file) => /^Pulumi\.([^.]+)\.yaml$/.exec(file)?.[1])
    .filter((stack): stack is string => stack !== undefined)
    .sort();
  return [
    ...stacks.map((stack) => {
      const config = parseConfig(stackSettings(stack, root), stack);
      return {
        stack,
        // What the API really allows: the sites' hosts plus corsOrigins (contracts/sites.ts).
        corsOrigins: apiCorsOrigins(config.corsOrigins, config.sites),
        throttle: { rateLimit: config.throttleRateLimit, burstLimit: config.throttleBurstLimit },
      };
    }),
    { stack: `${LOCAL_STACK} (npm start)`, corsOrigins: LOCAL_CORS_ORIGINS },
  ];
}

/** A sender that fails every call the way the SDK reports a service error (a `$metadata` on the error). */
const failingStorage = {
  send: async () => Promise.reject(Object.assign(new Error("unavailable"), { name: "ServiceUnavailable", $metadata: {} })),
};
/** A sender that fails with something no storage error looks like: the handlers' last resort. */
const brokenCode = { send: async () => Promise.reject(new TypeError("a bug")) };

type Handler = (event: ReturnType<typeof toApiGatewayEvent>, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/** The samples' stack: one site for pages of www.example.com that also takes server senders, the default site. */
const DOC_SITES: Site[] = [{ id: "shop", hosts: ["www.example.com"], allowServer: true }];

function handlers(db: typeof failingStorage) {
  const settings = { ...functionSettingsOf(DEFAULTS), sites: DOC_SITES, defaultSite: "shop" };
  const env = (kind: keyof typeof FUNCTION_TABLES) =>
    readFunctionEnv(functionEnvironment(kind, "docs", tableNamesFor("docs"), settings), FUNCTION_TABLES[kind]);
  const quiet = () => undefined;
  return {
    collector: collectorHandler(env("collector"), db, quiet) as Handler,
    realtime: realtimeHandler(env("realtime"), db, quiet) as Handler,
  };
}

interface Sample {
  target: keyof ReturnType<typeof handlers>;
  db?: typeof failingStorage;
  method: string;
  path: string;
  contentType?: string;
  body?: string;
  headers?: Record<string, string>;
}

const event = (fields: Record<string, unknown>) => JSON.stringify(fields);

const SAMPLES: Sample[] = [
  { target: "collector", method: "POST", path: "/events", body: event({ page_url: "https://example.com/" }) },
  { target: "collector", method: "POST", path: "/events", body: "{" },
  { target: "collector", method: "POST", path: "/events", contentType: "text/html", body: "<p>" },
  { target: "collector", method: "POST", path: "/events", body: " ".repeat(LIMITS.bodyBytes + 1) },
  { target: "collector", method: "GET", path: "/events" },
  { target: "collector", method: "POST", path: "/events", body: event({ event_type: "page_view", site_id: "blog" }) },
  {
    target: "collector",
    method: "POST",
    path: "/events",
    body: event({ event_type: "page_view", site_id: "shop" }),
    headers: { origin: "https://elsewhere.example.org" },
  },
  { target: "collector", db: failingStorage, method: "POST", path: "/events", body: event({ event_type: "page_view" }) },
  { target: "collector", db: brokenCode, method: "POST", path: "/events", body: event({ event_type: "page_view" }) },
  { target: "realtime", method: "POST", path: "/realtime" },
  { target: "realtime", db: failingStorage, method: "GET", path: "/realtime" },
];

async function answer(sample: Sample): Promise<Answer> {
  const handler = handlers(sample.db ?? brokenCode)[sample.target];
  const headers = { "content-type": sample.contentType ?? "application/json", ...sample.headers };
  const request = { method: sample.method, path: sample.path, query: "", httpVersion: "1.1", headers, peer: "203.0.113.9" };
  const result = await handler(toApiGatewayEvent({ ...request, body: Buffer.from(sample.body ?? "") }, `${sample.method} ${sample.path}`), {
    getRemainingTimeInMillis: () => 1000,
  } as Context);
  const own = Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
  return {
    route: `${sample.method} ${sample.path}`,
    answeredBy: "function",
    status: result.statusCode ?? 200,
    headers: own,
    body: result.body ?? "",
  };
}

/** API Gateway's own answers: an unmatched route (contracts/edge.ts has no catch-all) and stage throttling. */
function gatewayAnswers(): Answer[] {
  const own = (status: number) => {
    const { statusCode, headers, body } = gatewayError(status, http.STATUS_CODES[status]!);
    return { answeredBy: "API Gateway" as const, status: statusCode, headers, body };
  };
  return [
    { route: "any other path", ...own(404) },
    { route: "any route", ...own(429) },
  ];
}

export async function collectApiFacts(root = REPO_ROOT): Promise<ApiFacts> {
  const preflight = preflightResponse("https://www.example.com", corsConfiguration(["*"])).headers;
  const answers: Answer[] = [];
  for (const sample of SAMPLES) answers.push(await answer(sample));
  return {
    paths: EDGE_PATHS,
    limits: LIMITS,
    gatewayPayloadBytes: GATEWAY_PAYLOAD_BYTES,
    lingerMs: DEFAULT_LINGER_MS,
    cors: {
      allowMethods: preflight["access-control-allow-methods"]!,
      allowHeaders: preflight["access-control-allow-headers"]!,
      maxAge: preflight["access-control-max-age"]!,
      exposeHeaders: EDGE_CORS.exposeHeaders,
    },
    stacks: stackFacts(root),
    defaults: { rateLimit: DEFAULTS.throttleRateLimit, burstLimit: DEFAULTS.throttleBurstLimit },
    answers: [...answers, ...gatewayAnswers()],
  };
}
