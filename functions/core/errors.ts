import type { Problem } from "./validate";

/** A client error: mapped to a 4xx JSON body in exactly one place (`clientErrorResult`). */
export class ClientError extends Error {
  constructor(
    readonly statusCode: 400 | 403 | 404 | 405 | 413 | 415,
    readonly code: string,
    message: string,
    readonly details?: Problem[],
    /** How many events the refused request carried (1 when they could not be counted). */
    readonly rejectedEvents = 1,
    /** Extra response headers, e.g. `allow` on a 405. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ClientError";
  }
}

/** Storage did not accept every write within the invocation's budget: the client should retry. */
export class StorageUnavailableError extends Error {
  constructor(
    message: string,
    readonly cause?: unknown,
  ) {
    super(message);
    this.name = "StorageUnavailableError";
  }
}

export interface HttpResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export function jsonResult(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return { statusCode, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) };
}

export function clientErrorResult(error: ClientError): HttpResult {
  const body: Record<string, unknown> = { error: error.code, message: error.message };
  if (error.details) body.details = error.details;
  return jsonResult(error.statusCode, body, error.headers);
}

/** 405 naming the one method a route accepts, with the Allow header the client needs. */
export function methodNotAllowed(request: { method: string; path: string }, allowed: string, allowHeader: string): ClientError {
  return new ClientError(
    405,
    "MethodNotAllowed",
    `Method ${request.method} is not allowed on ${request.path}; use ${allowed}.`,
    undefined,
    0,
    { allow: allowHeader },
  );
}

export function storageUnavailableResult(): HttpResult {
  return jsonResult(503, {
    error: "StorageUnavailable",
    message: "The events could not be stored right now; retry the same request with backoff.",
    retryable: true,
  });
}

export function internalErrorResult(): HttpResult {
  return jsonResult(500, {
    error: "InternalError",
    message: "The request failed unexpectedly; retry the same request with backoff.",
    retryable: true,
  });
}

/** The error's name and message for the log line, never its stack. */
export function describeError(error: unknown): { error_name: string; error_message: string } {
  if (error instanceof Error) return { error_name: error.name, error_message: error.message };
  return { error_name: "NonError", error_message: String(error) };
}
