import { performance } from "node:perf_hooks";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import type { Outcome } from "../core/collect";
import { type HttpResult, internalErrorResult } from "../core/errors";
import { resolveClientIp } from "../core/ip";
import type { HttpRequest } from "../core/request";
import { type LineFacts, type LogSink, requestLogLine } from "./logger";

/**
 * API Gateway HTTP API payload 2.0 → the core's request. Header names arrive lower-cased. The
 * client address is resolved here, once, from the connection's source IP and — only behind
 * `trustedProxyHops` trusted proxies — `X-Forwarded-For` (docs/api.md).
 */
export function toHttpRequest(event: APIGatewayProxyEventV2, trustedProxyHops = 0): HttpRequest {
  const headers = event.headers ?? {};
  return {
    method: event.requestContext?.http?.method ?? "GET",
    path: event.rawPath ?? event.requestContext?.http?.path ?? "/",
    headers,
    body: event.body,
    isBase64Encoded: event.isBase64Encoded,
    sourceIp: resolveClientIp(event.requestContext?.http?.sourceIp, headers["x-forwarded-for"], trustedProxyHops),
    requestId: event.requestContext?.requestId ?? "",
    query: event.queryStringParameters ?? {},
  };
}

export function toLambdaResult(result: HttpResult): APIGatewayProxyStructuredResultV2 {
  return { statusCode: result.statusCode, headers: result.headers, body: result.body, isBase64Encoded: false };
}

export interface HandlerRuntime {
  service: LineFacts["service"];
  environment: string;
  log: LogSink;
  /** Proxies in front of the API whose `X-Forwarded-For` entries are believed (TRUSTED_PROXY_HOPS). */
  trustedProxyHops?: number;
}

/**
 * Runs one request through `core`, writes exactly one log line and never lets an error escape
 * as a stack trace to the client: the core maps known failures, and anything else is a 500.
 */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Lambda always provides the remaining time; other callers without it get a 10 s budget. */
export const remainingTimeOf = (context: Context) => () =>
  typeof context.getRemainingTimeInMillis === "function" ? context.getRemainingTimeInMillis() : 10_000;

export function createHandler(runtime: HandlerRuntime, core: (request: HttpRequest, context: Context) => Promise<Outcome>) {
  let coldStart = true;
  return async (event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> => {
    const started = performance.now();
    const isCold = coldStart;
    coldStart = false;
    const request = toHttpRequest(event, runtime.trustedProxyHops ?? 0);
    const outcome = await core(request, context).catch(
      (error): Outcome => ({ result: internalErrorResult(), events: 0, rejected: 0, sessions: 0, sessionsCreated: 0, error }),
    );
    const line = requestLogLine({
      service: runtime.service,
      environment: runtime.environment,
      requestId: context.awsRequestId || request.requestId,
      coldStart: isCold,
      finishedAt: Date.now(),
      processingMs: performance.now() - started,
      status: outcome.result.statusCode,
      counts: outcome,
      error: outcome.error,
    });
    runtime.log(JSON.stringify(line));
    return toLambdaResult(outcome.result);
  };
}
