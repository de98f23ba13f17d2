/**
 * Local mode (`local/start.ts`, what `npm start` runs) as a child process on free ports: for the
 * tests, the soak and `npm run loadtest -- --local`, which must not write synthetic sessions into
 * the store (and the /realtime view) of the local mode a user runs.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { REPO_ROOT } from "../lib/stack-file";

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

/** A local mode of its own: free ports and a temporary data directory, which `stop` removes once the child has exited. */
export async function startThrowawayLocalMode(options: LocalModeOptions = {}): Promise<LocalProcess & { dataDir: string }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "liveinsight-throwaway-"));
  const remove = () => rmSync(dataDir, { recursive: true, force: true });
  const local = await startLocalMode(dataDir, options).catch((error: unknown) => {
    remove();
    throw error;
  });
  const stop = async (signal: NodeJS.Signals) => {
    try {
      return await local.stop(signal);
    } finally {
      remove();
    }
  };
  return { ...local, stop, dataDir };
}
