/**
 * cold_start: fresh `node` processes load a bundle and handle one POST against dynalite.
 * init_ms is the child's own `performance.now()` when the response is ready, i.e. time since
 * the process's timeOrigin (node bootstrap + require + client creation + first request).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { buildFunctionBundle, bundleFunction } from "../../components/bundle";
import { REQUEST_COMPLETED } from "../../contracts/request-line";
import { createRng } from "../../scripts/lib/rng";
import { stackFunctionEnv, type TestDynamo } from "../support/dynalite";
import { log, median, round } from "./stats";

export interface ColdStartResult {
  bundle_bytes: number;
  baseline_bundle_bytes: number;
  init_ms: number;
  baseline_init_ms: number;
  ratio: number;
  spawn_to_response_ms: number;
  baseline_spawn_to_response_ms: number;
  runs: number;
  /** Bytes of the collector's own log line for one 1-event request (feeds the cost model). */
  log_line_bytes: number;
}

const CHILD = `
const { handler } = require(process.argv[2]);
const event = JSON.parse(process.argv[3]);
handler(event, { awsRequestId: "bench-cold", getRemainingTimeInMillis: () => 10000 }).then((r) => {
  process.stdout.write("\\nBENCH_RESULT " + JSON.stringify({ ms: performance.now(), status: r.statusCode }) + "\\n");
  process.exit(0);
});
`;

// Seeded like every tool's randomness; the time prefix keeps one run's sessions apart from another's.
const random = createRng(1);

function apiEvent(): unknown {
  const session = `cold-${Date.now()}-${Math.floor(random() * 2 ** 32).toString(16)}`;
  const body = JSON.stringify({ event_type: "page_view", page_url: "https://www.example.com/", user_id: "u-cold", session_id: session });
  return {
    version: "2.0",
    rawPath: "/events",
    headers: { "content-type": "application/json", "user-agent": "bench/1.0" },
    body,
    isBase64Encoded: false,
    requestContext: { requestId: "bench-cold", http: { method: "POST", path: "/events", sourceIp: "198.51.100.23" } },
  };
}

interface Run {
  ms: number;
  wallMs: number;
  logBytes: number;
}

function runOnce(dir: string, bundle: string, env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [path.join(dir, "child.js"), path.join(dir, bundle), JSON.stringify(apiEvent())], {
      env,
      cwd: dir,
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("close", () => {
      const line = out.split("\n").find((l) => l.startsWith("BENCH_RESULT "));
      if (!line) return reject(new Error(`cold start child for ${bundle} gave no result:\n${out}`));
      const result = JSON.parse(line.slice("BENCH_RESULT ".length)) as { ms: number; status: number };
      if (result.status !== 200) return reject(new Error(`${bundle} answered ${result.status}:\n${out}`));
      const logLine = out.split("\n").find((l) => l.includes(`"${REQUEST_COMPLETED}"`)) ?? "";
      resolve({ ms: result.ms, wallMs: performance.now() - started, logBytes: Buffer.byteLength(logLine) });
    });
  });
}

export async function coldStart(dynamo: TestDynamo, runs: number): Promise<ColdStartResult> {
  const tables = await dynamo.freshTables();
  const dir = mkdtempSync(path.join(tmpdir(), "liveinsight-bench-"));
  try {
    const collector = bundleFunction("functions/collector.ts");
    const hello = buildFunctionBundle(path.join(__dirname, "hello-handler.ts"));
    writeFileSync(path.join(dir, "collector.js"), collector);
    writeFileSync(path.join(dir, "hello.js"), hello);
    writeFileSync(path.join(dir, "child.js"), CHILD);
    const env = {
      PATH: process.env.PATH,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "local",
      AWS_SECRET_ACCESS_KEY: "local",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      ...stackFunctionEnv(tables, { ENVIRONMENT: "bench", HOT_RETENTION_DAYS: "30" }),
    };
    const c: Run[] = [];
    const b: Run[] = [];
    for (let i = 0; i < runs; i++) {
      // Alternate the two so load on the shared machine hits both alike.
      c.push(await runOnce(dir, "collector.js", env));
      b.push(await runOnce(dir, "hello.js", env));
      log(`cold_start run ${i + 1}/${runs}: collector ${c[i].ms.toFixed(1)} ms, baseline ${b[i].ms.toFixed(1)} ms`);
    }
    const initMs = median(c.map((r) => r.ms));
    const baseMs = median(b.map((r) => r.ms));
    return {
      bundle_bytes: Buffer.byteLength(collector),
      baseline_bundle_bytes: Buffer.byteLength(hello),
      init_ms: round(initMs, 1),
      baseline_init_ms: round(baseMs, 1),
      ratio: round(initMs / baseMs, 3),
      spawn_to_response_ms: round(median(c.map((r) => r.wallMs)), 1),
      baseline_spawn_to_response_ms: round(median(b.map((r) => r.wallMs)), 1),
      runs,
      log_line_bytes: median(c.map((r) => r.logBytes)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
