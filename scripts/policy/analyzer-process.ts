/**
 * Starts a policy pack the way the Pulumi CLI's `pulumi-analyzer-policy` shim does and connects to
 * it as the engine would. The shim runs `node <pack>/node_modules/@pulumi/pulumi/cmd/run-policy-pack
 * <engine-address> .` with the pack's directory as its working directory (so the pack's own
 * node_modules are used) and the stack in PULUMI_STACK / PULUMI_NODEJS_STACK (analyzer_plugin.go,
 * constructEnv); the pack prints its gRPC port on stdout and then serves the Analyzer service.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";

/** A pack that could not start, with its own error output. */
export class PackStartError extends Error {
  readonly name = "PackStartError";
}

export interface StartOptions {
  /** The pack folder (holds PulumiPolicy.yaml and node_modules). */
  packDir: string;
  project: string;
  stack: string;
  dryRun: boolean;
  /** Start-up bound (default 60 s): the TypeScript compile of the pack happens inside it. */
  timeoutMs?: number;
}

export interface RunningPack {
  /** One unary call on the pack's Analyzer service (the SDK's public generated stub). */
  call<Res = unknown>(method: keyof AnalyzerClient, request: unknown): Promise<Res>;
  /** Stops the pack process and closes the channel. */
  close(): Promise<void>;
}

export async function startPack(opts: StartOptions): Promise<RunningPack> {
  const entry = path.join(opts.packDir, "node_modules", "@pulumi", "pulumi", "cmd", "run-policy-pack");
  if (!fs.existsSync(entry)) {
    throw new PackStartError(`The policy pack's dependencies are not installed; run \`npm ci --prefix ${path.basename(opts.packDir)}\`.`);
  }
  const child = spawn(process.execPath, [entry, "127.0.0.1:0", "."], {
    cwd: opts.packDir,
    env: packEnv(opts),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const port = await readPort(child, opts.timeoutMs ?? 60_000);
  const client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
    "grpc.max_receive_message_length": 400 * 1024 * 1024,
  });
  return {
    call: (method, request) => promisify((client[method] as any).bind(client))(request) as Promise<any>,
    close: async () => {
      client.close();
      await stopProcess(child);
    },
  };
}

function packEnv(opts: StartOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // The checker itself may run under tsx; the pack must not inherit its loader.
  delete env.NODE_OPTIONS;
  for (const prefix of ["PULUMI_NODEJS_", "PULUMI_"]) {
    env[`${prefix}PROJECT`] = opts.project;
    env[`${prefix}STACK`] = opts.stack;
    env[`${prefix}DRY_RUN`] = String(opts.dryRun);
  }
  return env;
}

/** The first stdout line is the port; exit or silence before it is a start failure with stderr attached. */
function readPort(child: ChildProcess, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      const output = (stderr || stdout).trim();
      reject(new PackStartError(output ? `${why}:\n${output}` : `${why}.`));
    };
    const timer = setTimeout(() => fail(`The policy pack did not start within ${timeoutMs / 1000} s`), timeoutMs);
    child.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = /^(\d+)\s*\n/.exec(stdout);
      if (line) {
        clearTimeout(timer);
        child.removeAllListeners("exit");
        resolve(Number(line[1]));
      }
    });
    child.once("error", (error) => fail(`The policy pack could not be started (${error.message})`));
    child.once("exit", (code, signal) => fail(`The policy pack exited (${signal ?? `code ${code}`}) before serving`));
  });
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  // A pack that ignores SIGTERM must not keep the checker alive.
  const force = setTimeout(() => child.kill("SIGKILL"), 5000);
  child.kill("SIGTERM");
  await once(child, "exit");
  clearTimeout(force);
}
