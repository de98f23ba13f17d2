import { ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export interface LocalMode {
  child: ChildProcess;
  apiUrl: string;
  dynamodbEndpoint: string;
  dataDir: string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const ROOT = path.resolve(__dirname, "../..");

/** The test process's env without settings that would point local mode at another server. */
function inheritedEnv(): NodeJS.ProcessEnv {
  const { DYNAMODB_ENDPOINT: _endpoint, PORT: _port, DYNAMODB_PORT: _dport, LIVEINSIGHT_DATA_DIR: _dir, ...rest } = process.env;
  return rest;
}

/** Starts `npm start`'s program as a child on free ports and waits for its ready line. */
export function startLocalMode(dataDir = mkdtempSync(path.join(tmpdir(), "liveinsight-")), env: Record<string, string> = {}): Promise<LocalMode> {
  const child = spawn(process.execPath, ["--import", "tsx", "local/start.ts"], {
    cwd: ROOT,
    env: { ...inheritedEnv(), PORT: "0", DYNAMODB_PORT: "0", LIVEINSIGHT_DATA_DIR: dataDir, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const stop = async (signal: NodeJS.Signals = "SIGTERM") => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  return new Promise((resolve, reject) => {
    let stderr = "";
    let buffer = "";
    child.stderr!.on("data", (d) => (stderr += d));
    child.stdout!.on("data", (d) => {
      buffer += d;
      const line = buffer.split("\n").find((l) => l.startsWith('{"ready":true'));
      if (line) {
        const ready = JSON.parse(line);
        resolve({ child, apiUrl: ready.apiUrl, dynamodbEndpoint: ready.dynamodbEndpoint, dataDir, stop });
      }
    });
    void exited.then((code) => reject(new Error(`local mode exited (${code}) before ready: ${stderr}`)));
  });
}
