import { type DropReason, REQUEST_COMPLETED, type RequestLogLine } from "../../contracts/request-line";
import { describeError } from "../core/errors";

export interface LineFacts {
  service: RequestLogLine["service"];
  environment: string;
  requestId: string;
  coldStart: boolean;
  /** Epoch ms when the line is written. */
  finishedAt: number;
  processingMs: number;
  status: number;
  counts: { events: number; rejected: number; sessions: number; sessionsCreated: number; dropped?: number; dropReason?: DropReason };
  error?: unknown;
}

/** Builds the line; never includes bodies, IPs or stacks. 5xx → ERROR, 4xx → WARN. */
export function requestLogLine(f: LineFacts): RequestLogLine {
  const level = f.status >= 500 ? "ERROR" : f.status >= 400 ? "WARN" : "INFO";
  const line: RequestLogLine = {
    timestamp: new Date(f.finishedAt).toISOString(),
    level,
    message: REQUEST_COMPLETED,
    service: f.service,
    environment: f.environment,
    request_id: f.requestId,
    cold_start: f.coldStart,
    events: f.counts.events,
    rejected: f.counts.rejected,
    sessions: f.counts.sessions,
    sessions_created: f.counts.sessionsCreated,
    dropped: f.counts.dropped ?? 0,
    processing_time_ms: Math.round(f.processingMs),
    status: f.status,
  };
  if (f.counts.dropReason && line.dropped > 0) line.drop_reason = f.counts.dropReason;
  if (f.error !== undefined && f.status >= 400) Object.assign(line, describeError(f.error));
  return line;
}

export type LogSink = (line: string) => void;

/** The target in Lambda and local mode: stdout, which CloudWatch Logs reads. */
export const processStdout = (text: string): void => {
  process.stdout.write(text);
};

type Output = (text: string) => void;
// Held in the global symbol registry, not a module variable: the program tests drop functions/
// modules from the require cache to re-read env, and a re-loaded copy would ignore a redirect.
const OUTPUT = Symbol.for("liveinsight.requestLineOutput");
const registry = globalThis as { [OUTPUT]?: Output };

/**
 * Sends stdoutSink's output elsewhere until the returned function restores the previous target.
 * Tests use it to keep the handlers' request lines out of the test report or to capture them.
 */
export function redirectRequestLines(to: Output): () => void {
  const previous = registry[OUTPUT];
  registry[OUTPUT] = to;
  return () => {
    registry[OUTPUT] = previous;
  };
}

/** One JSON line per request, newline-terminated. */
export const stdoutSink: LogSink = (line) => (registry[OUTPUT] ?? processStdout)(`${line}\n`);
