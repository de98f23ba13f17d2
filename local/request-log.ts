/**
 * Request logging in local mode. By default one short line per request ("20:15:03 POST /events
 * 200 12 ms"); `--json-logs` shows the functions' own JSON request lines instead (what CloudWatch
 * Logs receives), `--quiet` neither. The functions write their line to stdout through
 * functions/shared/logger.ts; local mode filters those lines here rather than changing the
 * functions, so the deployed code path stays untouched.
 */
import type http from "node:http";
import { ARCHIVE_LOG_MESSAGES } from "../contracts/archive";
import { REQUEST_COMPLETED, type RequestLineField } from "../contracts/request-line";
import type { LogMode } from "./settings";

const ARCHIVE_MESSAGES: readonly unknown[] = Object.values(ARCHIVE_LOG_MESSAGES);

/**
 * A function's JSON line: the request line (contracts/request-line.ts, message "request completed"
 * with a request_id) or the archiver's / compaction's line (contracts/archive.ts).
 */
export function isFunctionRequestLine(text: string): boolean {
  if (!text.startsWith("{")) return false;
  try {
    const line = JSON.parse(text) as Partial<Record<RequestLineField | "service", unknown>>;
    if (ARCHIVE_MESSAGES.includes(line.message) && typeof line.service === "string") return true;
    return line.message === REQUEST_COMPLETED && typeof line.request_id === "string";
  } catch {
    return false;
  }
}

export function humanLine(method: string, target: string, status: number | "closed", ms: number, at = new Date()): string {
  const time = at.toISOString().slice(11, 19);
  const shown = target.length > 80 ? `${target.slice(0, 77)}...` : target;
  return `${time} ${method} ${shown} ${status === "closed" ? "(client went away)" : status} ${Math.round(ms)} ms`;
}

/** Drops the functions' JSON request lines from stdout unless the mode is "json". */
export function filterFunctionLines(mode: LogMode, stream: NodeJS.WriteStream = process.stdout): void {
  if (mode === "json") return;
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk === "string" && isFunctionRequestLine(chunk.trimEnd())) {
      const callback = rest.find((arg) => typeof arg === "function") as (() => void) | undefined;
      callback?.();
      return true;
    }
    return write(chunk, ...rest);
  }) as typeof stream.write;
}

/** One human line per request, written when the response is done (or the client gave up). */
export function attachRequestLog(server: http.Server, mode: LogMode, print: (line: string) => void): void {
  if (mode !== "human") return;
  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    const started = performance.now();
    const done = () =>
      print(humanLine(req.method ?? "?", req.url ?? "", res.writableFinished ? res.statusCode : "closed", performance.now() - started));
    res.once("close", done);
  });
}
