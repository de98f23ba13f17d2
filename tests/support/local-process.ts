/**
 * Local mode (`local/start.ts`) as a child process, plus the event-id bookkeeping that proves
 * stored == acknowledged. Shared by the crash/local-mode tests and `npm run soak`.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { tableNamesFor } from "../../contracts/tables";
import { REPO_ROOT } from "../../lib/stack-file";
import { localClient, scanItems } from "../../local/store-access";

export interface LocalReady {
  apiUrl: string;
  eventsUrl: string;
  realtimeUrl: string;
  trackerUrl: string;
  dynamodbEndpoint: string;
  statsUrl: string;
  dashboardUrl: string;
  statsKey: string;
}

export interface LocalProcess extends LocalReady {
  child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal) once the child has exited. */
  exited: Promise<number | null>;
  /** Sends the signal (if still running) and waits for the exit. */
  stop(signal: NodeJS.Signals): Promise<number | null>;
  stderr(): string;
  /** Everything after the ready line on stdout (request log lines), last 64 KB. */
  stdout(): string;
}

export interface LocalModeOptions {
  timeoutMs?: number;
  /** Extra environment (e.g. PORT for a fixed port, DYNAMODB_ENDPOINT). */
  env?: Record<string, string>;
  /** Flags after `local/start.ts`, e.g. ["--json-logs"]. */
  args?: string[];
  /** Runs local mode under `ulimit -f <blocks>` (1 KiB blocks): a disk that fills up. */
  fileSizeLimitKb?: number;
}

/** The command that runs `npm start` without npm: node with tsx, optionally under a file-size limit. */
function startCommand(options: LocalModeOptions): [string, string[]] {
  const node = [process.execPath, "--import", "tsx", "local/start.ts", ...(options.args ?? [])];
  if (options.fileSizeLimitKb === undefined) return [node[0], node.slice(1)];
  return ["bash", ["-c", `ulimit -f ${options.fileSizeLimitKb} && exec "$@"`, "bash", ...node]];
}

/** Starts local mode on free ports with the given data directory; rejects with its stderr if it dies first. */
export function startLocalMode(dataDir: string, options: LocalModeOptions = {}): Promise<LocalProcess> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  const [file, args] = startCommand(options);
  const child = spawn(file, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: "0", DYNAMODB_PORT: "0", LIVEINSIGHT_DATA_DIR: dataDir, DYNAMODB_ENDPOINT: "", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let errText = "";
  let outText = "";
  child.stderr!.on("data", (d: Buffer) => (errText = (errText + d.toString()).slice(-8000)));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const stop = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`local mode not ready after ${timeoutMs} ms:\n${errText}`)), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      void stop("SIGKILL");
      reject(error);
    };
    let buffer: string | null = "";
    // stdout must be drained for the whole life of the child (one log line per request), or it blocks.
    child.stdout!.on("data", (d: Buffer) => {
      if (buffer === null) {
        outText = (outText + d.toString()).slice(-65536);
        return;
      }
      buffer += d.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const [i, line] of lines.entries()) {
        if (!line.startsWith('{"ready":true')) continue;
        clearTimeout(timer);
        const ready = JSON.parse(line) as LocalReady;
        outText = [...lines.slice(i + 1), buffer].join("\n");
        buffer = null;
        resolve({ ...ready, child, exited, stop, stderr: () => errText, stdout: () => outText });
        return;
      }
    });
    void exited.then((code) => fail(new Error(`local mode exited (${code}) before it was ready:\n${errText}`)));
  });
}

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a repo TypeScript entry point (e.g. "local/reset.ts") to completion, as `npm run` would. */
export function runRepoCommand(
  script: string,
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<CommandResult> {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  return new Promise((resolve) =>
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

/** How many Events items carry each event_id, over a full (paginated) scan of the local Events table. */
export async function storedEventIdCounts(endpoint: string, stack = "local"): Promise<Map<string, number>> {
  const client = localClient(endpoint);
  const counts = new Map<string, number>();
  try {
    for await (const item of scanItems(client, tableNamesFor(stack).events, "event_id")) {
      const id = typeof item.event_id === "string" ? item.event_id : "(missing)";
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
  } finally {
    client.destroy();
  }
  return counts;
}

export interface Reconciliation {
  acknowledged: number;
  stored: number;
  /** Acknowledged ids with no stored item. */
  missing: string[];
  /** Ids stored more than once. */
  duplicated: string[];
  /** Stored ids never acknowledged (in flight at a crash, or a 503 that did store): allowed, reported. */
  unacknowledgedStored: number;
}

/** Compares acknowledged event ids with stored ones, restricted to ids this run sent (prefix). */
export function reconcile(acknowledged: Set<string>, stored: Map<string, number>, prefix: string): Reconciliation {
  const ours = [...stored].filter(([id]) => id.startsWith(prefix));
  return {
    acknowledged: acknowledged.size,
    stored: ours.length,
    missing: [...acknowledged].filter((id) => !stored.has(id)),
    duplicated: ours.filter(([, n]) => n !== 1).map(([id]) => id),
    unacknowledgedStored: ours.filter(([id]) => !acknowledged.has(id)).length,
  };
}
