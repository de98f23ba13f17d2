import { siteIdProblem } from "../../contracts/sites";
import { ClientError } from "./errors";
import { isPlainObject, LIMITS, type Problem, type ValidEvent, validateEvent } from "./validate";

/** The parts of an HTTP request the core reads; built from an API Gateway v2 event or the local server. */
export interface HttpRequest {
  method: string;
  path: string;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  body?: string;
  isBase64Encoded?: boolean;
  /**
   * The client's address, already resolved by the adapter that built the request (ip.ts
   * `resolveClientIp`): API Gateway's source IP, or behind `trustedProxyHops` proxies the
   * `X-Forwarded-For` entry just left of them. Absent when no trustworthy address exists.
   */
  sourceIp?: string;
  requestId: string;
  /** Query parameters (API Gateway joins a repeated name's values with commas). */
  query?: Record<string, string | undefined>;
}

const JSON_TYPES = new Set(["application/json", "text/plain"]);

function decodeBody(request: HttpRequest): Buffer {
  if (!request.body) return Buffer.alloc(0);
  return request.isBase64Encoded ? Buffer.from(request.body, "base64") : Buffer.from(request.body, "utf8");
}

function checkContentType(header: string | undefined): void {
  if (header === undefined) return; // curl without -H and some beacons send none: try JSON
  const type = header.split(";")[0].trim().toLowerCase();
  if (JSON_TYPES.has(type) || type.endsWith("+json")) return;
  throw new ClientError(
    415,
    "UnsupportedMediaType",
    `Content type ${type || "(empty)"} is not accepted; send application/json or text/plain.`,
  );
}

function parseJson(bytes: Buffer): unknown {
  if (bytes.length === 0)
    throw new ClientError(400, "InvalidJSON", 'The request body is empty; send one event object or {"events": [...]}.');
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new ClientError(400, "InvalidJSON", "The request body is not valid JSON.");
  }
}

function rawEvents(body: unknown): unknown[] {
  if (!isPlainObject(body))
    throw validationError(
      'The body must be one event object or {"events": [...]}.',
      [{ field: "(body)", problem: "must be a JSON object" }],
      1,
    );
  if (!Object.hasOwn(body, "events")) return [body];
  const { events } = body;
  const extra = Object.keys(body).filter((k) => k !== "events");
  const problems: Problem[] = extra.map((field) => ({ field, problem: 'is not allowed next to "events"' }));
  if (!Array.isArray(events) || events.length < 1 || events.length > LIMITS.batchMax)
    problems.push({ field: "events", problem: `must be an array of 1 to ${LIMITS.batchMax} events` });
  if (problems.length) throw validationError("The batch is malformed.", problems, Array.isArray(events) ? Math.max(events.length, 1) : 1);
  return events as unknown[];
}

function validationError(message: string, details: Problem[], rejected: number): ClientError {
  return new ClientError(400, "ValidationError", message, details, rejected);
}

/** The 400 for events that cannot be stored as sent: the first problem in words, every one in details. */
export function invalidEventsError(problems: Problem[], eventCount: number): ClientError {
  const first = problems[0];
  const where = eventCount > 1 ? `event ${first.index}: ` : "";
  const more = problems.length > 1 ? ` (${problems.length} problems in all; see details)` : "";
  return validationError(`Invalid event, nothing was stored: ${where}${first.field} ${first.problem}${more}.`, problems, eventCount);
}

/** The 413 for a body over the limit; local mode's gateway says "more than" when it stopped counting. */
export function payloadTooLargeError(bytes: number, moreThan = false): ClientError {
  const size = `${moreThan ? "more than " : ""}${bytes}`;
  return new ClientError(413, "PayloadTooLarge", `The body is ${size} bytes; at most ${LIMITS.bodyBytes} bytes are accepted.`);
}

export interface ParsedEvents {
  events: ValidEvent[];
  /** Each event's `site_id` as sent (undefined: none); admission.ts resolves and checks them. */
  siteIds: (string | undefined)[];
  /** `{"events": [...]}` (answered with lists) rather than one bare event. */
  batch: boolean;
}

/** Parses and validates a POST /events body: every event valid, or a ClientError and nothing written. */
export function parseEvents(request: HttpRequest): ParsedEvents {
  const bytes = decodeBody(request);
  if (bytes.length > LIMITS.bodyBytes) throw payloadTooLargeError(bytes.length);
  checkContentType(request.headers["content-type"]);
  const body = parseJson(bytes);
  const raws = rawEvents(body);
  const problems: Problem[] = [];
  const siteIds: (string | undefined)[] = [];
  const valid = raws.map((raw, index) => {
    const { siteId, rest } = takeSiteId(raw, index, problems);
    siteIds.push(siteId);
    return validateEvent(rest, index, problems);
  });
  if (problems.length) throw invalidEventsError(problems, raws.length);
  return { events: valid as ValidEvent[], siteIds, batch: raws !== undefined && raws[0] !== body };
}

/**
 * Takes `site_id` off an event before the field rules see it (it is the request's routing, not
 * an event property that would otherwise be folded into `properties`).
 */
function takeSiteId(raw: unknown, index: number, problems: Problem[]): { siteId?: string; rest: unknown } {
  if (!isPlainObject(raw) || !Object.hasOwn(raw, "site_id")) return { rest: raw };
  const { site_id: siteId, ...rest } = raw;
  const problem = siteIdProblem(siteId);
  if (problem) problems.push({ index, field: "site_id", problem });
  return { siteId: problem ? undefined : (siteId as string), rest };
}
