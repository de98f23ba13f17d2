/**
 * Runs the real Pulumi program (index.ts) offline under Pulumi mocks, with a stack's config file, and
 * returns every resource it registers — components included — as the engine would see it. Used by the
 * program tests and the policy checker. Each run gets fresh mocks and config and re-imports the
 * program's own modules; runs are serialised because the Pulumi runtime keeps its state in globals.
 */

import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { NAMESPACE, projectDefaults, REPO_ROOT, StackFileError, stackFileConfig } from "../../lib/stack-file";
import { ProgramMocks } from "./program-mocks";
import { engineProperties, engineValue, plainValue, type WireMap } from "./program-wire";

export { MOCK_ACCOUNT_ID, ProgramMocks } from "./program-mocks";

export { REPO_ROOT };
export const PROJECT = NAMESPACE;

export interface RecordedResource {
  type: string;
  name: string;
  urn: string;
  /** Absent for top-level resources (mocks register no root stack). */
  parent?: string;
  /** `wire.inputs` without signatures: an archive is `{ assets: { "index.js": { text: "…" } } }`. */
  inputs: Record<string, any>;
  protect: boolean;
  /** URNs of every direct dependency the engine orders this resource after (explicit and via inputs). */
  dependsOn: string[];
  custom: boolean;
  /** A component's registered outputs, as plain as `inputs`; absent for custom resources. */
  outputs?: Record<string, any>;
  /** The same resource in the engine's wire form (scripts/lib/program-wire.ts), as a policy analyzer is sent it. */
  wire: {
    inputs: WireMap;
    /** What the (mock) provider answered, or a component's registered outputs. */
    outputs: WireMap;
    /** "" when the id is unknown (a resource a preview would create). */
    id: string;
    /** Input property → URNs of the resources its value was computed from. */
    propertyDependencies: Record<string, string[]>;
  };
}

export interface RunProgramOptions {
  stack: string;
  /** Stack config file to use instead of `Pulumi.<stack>.yaml` (absolute or relative to the repo). */
  configFile?: string;
  /** Values laid over the file's, keyed `liveinsight:memorySize` or just `memorySize`. */
  config?: Record<string, unknown>;
  /** Run as a first `pulumi preview` sees it: every value AWS computes (ids, ARNs, URLs) is unknown. */
  preview?: boolean;
}

/** An invalid or unreadable config file; the name survives module reloads, unlike `instanceof`. */
class HarnessConfigError extends Error {
  readonly name = "ConfigError";
}

export interface ProgramRun {
  resources: RecordedResource[];
  /** The program's stack outputs (index.ts exports) in the engine's form: resolved, or unknown at a preview. */
  outputs: WireMap;
}

let queue: Promise<unknown> = Promise.resolve();

export async function runProgram(opts: RunProgramOptions): Promise<RecordedResource[]> {
  return (await runProgramWithOutputs(opts)).resources;
}

export function runProgramWithOutputs(opts: RunProgramOptions): Promise<ProgramRun> {
  const run = queue.then(() => runOnce(opts));
  queue = run.catch(() => undefined);
  return run;
}

async function runOnce(opts: RunProgramOptions): Promise<ProgramRun> {
  const config = stackConfig(opts);
  const region = String(config["aws:region"] ?? "us-east-1");
  forgetProgramModules();
  await pulumi.runtime.setMocks(new ProgramMocks(region, opts.preview ?? false), PROJECT, opts.stack, opts.preview ?? false);
  const recorded = record(pulumi.runtime.getMonitor());
  // The engine hands config to programs as strings; lists and objects as JSON text.
  pulumi.runtime.setAllConfig(
    Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)])),
  );
  const program = require(path.join(REPO_ROOT, "index.ts"));
  // Serialised as the SDK sends a stack's outputs to the engine: resolved, or unknown when a preview cannot know them.
  const outputs = engineValue(await pulumi.runtime.serializeProperties("outputs", program)) as WireMap;
  await (pulumi.runtime as any).waitForRPCs();
  return { resources: recorded(), outputs };
}

/** Pulumi.yaml defaults < Pulumi.<stack>.yaml < opts.config, keys qualified, as the CLI merges them. */
function stackConfig(opts: RunProgramOptions): Record<string, unknown> {
  const file = opts.configFile ? path.resolve(REPO_ROOT, opts.configFile) : path.join(REPO_ROOT, `Pulumi.${opts.stack}.yaml`);
  const exists = fs.existsSync(file);
  if (!exists && (opts.configFile || !opts.config)) {
    throw new HarnessConfigError(`No config file for stack "${opts.stack}": ${path.relative(REPO_ROOT, file)} does not exist.`);
  }
  const layers = [projectDefaults(REPO_ROOT), exists ? stackFileSettings(file) : {}, opts.config ?? {}].flatMap(Object.entries);
  return Object.fromEntries(layers.map(([key, value]) => [key.includes(":") ? key : `${PROJECT}:${key}`, value]));
}

/** A stack file's config; an encrypted value cannot be decrypted offline. */
function stackFileSettings(file: string): Record<string, unknown> {
  try {
    const config = stackFileConfig(file);
    const secure = Object.keys(config).find((key) => (config[key] as { secure?: unknown } | null)?.secure !== undefined);
    if (!secure) return config;
    throw new HarnessConfigError(
      `${secure} in ${path.basename(file)} is encrypted; offline runs cannot decrypt it, pass it in opts.config instead.`,
    );
  } catch (error) {
    if (error instanceof StackFileError) throw new HarnessConfigError(`Cannot read ${path.relative(REPO_ROOT, file)}: ${error.message}`);
    throw error;
  }
}

/** Records every RegisterResource(Outputs) request the program sends the mock monitor, as the engine would see it. */
function record(monitor: any): () => RecordedResource[] {
  const records = new Map<string, RecordedResource>();
  const register = monitor.registerResource.bind(monitor);
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResource = (req: any, callback: (err: unknown, response: any) => void) =>
    register(req, (err: unknown, response: any) => {
      // A failed registration fails the program run through the SDK itself.
      if (!err) records.set(response.getUrn(), recordedFrom(req, response));
      callback(err, response);
    });
  // The SDK registers a component's outputs only once its URN has resolved, so its record exists.
  monitor.registerResourceOutputs = (req: any, callback: (err: unknown, response: any) => void) => {
    const resource = records.get(req.getUrn())!;
    resource.wire.outputs = engineProperties(req.getOutputs());
    resource.outputs = plainValue(resource.wire.outputs);
    return registerOutputs(req, callback);
  };
  return () => [...records.values()];
}

function recordedFrom(req: any, response: any): RecordedResource {
  const propertyDependencies = Object.fromEntries(
    req.getPropertydependenciesMap().toObject(false, (_: boolean, deps: any) => deps.getUrnsList()),
  );
  const inputs = engineProperties(req.getObject());
  return {
    type: req.getType(),
    name: req.getName(),
    urn: response.getUrn(),
    parent: req.getParent() || undefined,
    inputs: plainValue(inputs),
    protect: req.getProtect() ?? false,
    dependsOn: req.getDependenciesList(),
    custom: req.getCustom(),
    wire: { inputs, outputs: req.getCustom() ? engineProperties(response.getObject()) : {}, id: response.getId(), propertyDependencies },
  };
}

/** Every module of the program itself, so the next run re-reads config and re-registers. */
function forgetProgramModules(): void {
  const program = /^(index\.ts|config\.ts|components\/|functions\/)/;
  // bundle.ts stays: its memo depends only on source files, and re-bundling every run costs ~0.5 s.
  const keep = path.join("components", "bundle.ts");
  for (const id of Object.keys(require.cache)) {
    const file = path.relative(REPO_ROOT, id);
    if (program.test(file) && file !== keep) delete require.cache[id];
  }
}

/** Resources of one type, for terse assertions. */
export function ofType(resources: readonly RecordedResource[], type: string): RecordedResource[] {
  return resources.filter((r) => r.type === type);
}
