/**
 * Parent side of the storage process (local/storage-process.ts): starts it, restarts it when it
 * dies (a full disk, a LevelDB error) while the API keeps answering 503, and stops it last.
 */
import { type ChildProcess, fork } from "node:child_process";
import path from "node:path";
import type { StorageMessage } from "./storage-process";

export class StartError extends Error {
  readonly name = "StartError";
}

export interface StorageOptions {
  host: string;
  port: number;
  dataPath: string;
  log: (message: string) => void;
  /** Called with each storage process's PID (the first and every restart). */
  onSpawn?: (pid: number | undefined) => void;
}

export interface Storage {
  endpoint: string;
  pid(): number | undefined;
  stop(): Promise<void>;
}

const CHILD = path.join(__dirname, "storage-process.ts");
const MAX_RESTART_DELAY_MS = 30_000;
/** A child that lived this long was healthy: the next crash restarts it after 1 s again. */
const HEALTHY_MS = 10_000;

function spawnChild(options: StorageOptions, port: number): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(CHILD, [options.host, String(port), options.dataPath], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null, signal: string | null) =>
      reject(new StartError(`The storage process exited before it was ready (${signal ?? `code ${code}`}).`));
    child.once("exit", onExit);
    child.once("message", (message: StorageMessage) => {
      child.removeListener("exit", onExit);
      if (message.type === "ready") return resolve({ child, port: message.port });
      reject(
        message.code === "EADDRINUSE" || message.code === "EACCES"
          ? new StartError(
              `DYNAMODB_PORT ${port} is not available on ${options.host} (${message.code}): another program uses it; stop it or set DYNAMODB_PORT to a free port (0 picks one).`,
            )
          : new StartError(`The storage process could not start: ${message.message}`),
      );
    });
  });
}

function describeExit(code: number | null, signal: string | null): string {
  if (signal === "SIGXFSZ") return "SIGXFSZ: file size limit reached, is the disk full?";
  return signal ?? `exit code ${code}`;
}

export async function startStorage(options: StorageOptions): Promise<Storage> {
  let { child, port } = await spawnChild(options, options.port);
  let stopping = false;
  let delayMs = 1000;
  let startedAt = Date.now();
  const supervise = (current: ChildProcess) =>
    current.once("exit", (code, signal) => {
      if (stopping) return;
      if (Date.now() - startedAt > HEALTHY_MS) delayMs = 1000;
      options.log(
        `storage process stopped (${describeExit(code, signal)}); requests get 503 until it is back; restarting in ${delayMs / 1000} s`,
      );
      scheduleRestart();
    });
  /** Tries again after the current delay, doubling it up to the maximum. */
  const scheduleRestart = () => {
    setTimeout(() => void restart(), delayMs).unref();
    delayMs = Math.min(MAX_RESTART_DELAY_MS, delayMs * 2);
  };
  const restart = async () => {
    if (stopping) return;
    try {
      ({ child } = await spawnChild(options, port));
      startedAt = Date.now();
      options.onSpawn?.(child.pid);
      options.log("storage process restarted");
      supervise(child);
    } catch (error) {
      options.log(`storage restart failed: ${(error as Error).message}`);
      scheduleRestart();
    }
  };
  options.onSpawn?.(child.pid);
  supervise(child);
  return {
    endpoint: `http://${options.host}:${port}`,
    pid: () => child.pid,
    stop: async () => {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      try {
        child.send({ type: "stop" });
      } catch {
        child.kill("SIGTERM"); // the channel closed under us; the child closes its store on SIGTERM too
      }
      await exited;
    },
  };
}
