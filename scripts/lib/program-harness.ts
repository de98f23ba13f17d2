/**
 * Runs the real Pulumi program (index.ts) offline under Pulumi mocks, with a stack's config file,
 * and returns every resource it registers — components included — with inputs resolved.
 *
 * Used by the program tests and the offline policy checker; no Pulumi CLI, engine or AWS is
 * involved. Several runs (e.g. dev then prod) work in one process: each run gets fresh mocks and
 * config and re-imports the program's own modules, and runs are serialised because the Pulumi
 * runtime keeps its state in process-wide globals.
 */

import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ProgramMocks } from "./program-mocks";
import { NAMESPACE, projectDefaults, REPO_ROOT, StackFileError, stackFileConfig } from "./stack-file";

export { MOCK_ACCOUNT_ID, ProgramMocks } from "./program-mocks";

export { REPO_ROOT };
export const PROJECT = NAMESPACE;
const DEFAULT_REGION = "us-east-1";

export interface RecordedResource {
  type: string;
  /** Logical name as given to the constructor. */
  name: string;
  urn: string;
  /** Parent URN; absent for top-level resources (mocks register no root stack). */
  parent?: string;
  /**
   * Inputs as sent to the engine, outputs resolved. Asset archives are plain data:
   * `{ assets: { "index.js": { text: "…" } } }`.
   */
  inputs: Record<string, any>;
  protect: boolean;
  /** URNs of every direct dependency the engine orders this resource after (explicit and via inputs). */
  dependsOn: string[];
  /** Provider reference (`urn::id`) when one is set explicitly. */
  provider?: string;
  /** false for component resources. */
  custom: boolean;
  /** A component's registered outputs (resolved); absent for custom resources. */
  outputs?: Record<string, any>;
  /** The same resource in the engine's wire form (what a policy analyzer is sent). */
  wire: WireRecord;
}

/**
 * google.protobuf.Struct JSON exactly as the program sent it and the (mock) provider answered:
 * unknowns as the unknown sentinel, assets/archives/secrets/resource references with their
 * signature key. scripts/policy/wire.ts turns it into Analyze/AnalyzeStack requests.
 */
export interface WireRecord {
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  /** "" when the id is unknown (a resource a preview would create). */
  id: string;
  /** Input property → URNs of the resources its value was computed from. */
  propertyDependencies: Record<string, string[]>;
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
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

export interface ProgramRun {
  resources: RecordedResource[];
  /** The program's stack outputs (index.ts exports), resolved. */
  outputs: Record<string, unknown>;
}

let queue: Promise<unknown> = Promise.resolve();

/** Every resource the program registers for `opts.stack` (the shared contract). */
export async function runProgram(opts: RunProgramOptions): Promise<RecordedResource[]> {
  return (await runProgramWithOutputs(opts)).resources;
}

/** Like runProgram, plus the stack outputs. Runs are serialised: the Pulumi runtime is global. */
export function runProgramWithOutputs(opts: RunProgramOptions): Promise<ProgramRun> {
  const run = queue.then(() => runOnce(opts));
  queue = run.catch(() => undefined);
  return run;
}

async function runOnce(opts: RunProgramOptions): Promise<ProgramRun> {
  const config = stackConfig(opts);
  const region = String(config["aws:region"] ?? DEFAULT_REGION);
  const recorder = new Recorder();
  forgetProgramModules();
  await pulumi.runtime.setMocks(new ProgramMocks(region, opts.preview ?? false), PROJECT, opts.stack, opts.preview ?? false);
  recorder.attach();
  pulumi.runtime.setAllConfig(toRuntimeConfig(config));
  const program: Record<string, unknown> = require(path.join(REPO_ROOT, "index.ts"));
  const outputs: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(program)) {
    outputs[name] = pulumi.Output.isInstance(value) ? await (value as unknown as { promise(): Promise<unknown> }).promise() : value;
  }
  await waitForRpcs();
  return { resources: await recorder.finish(), outputs };
}

// ---------------------------------------------------------------------------------------------
// Config: Pulumi.yaml defaults < Pulumi.<stack>.yaml < opts.config, as the CLI merges them
// ---------------------------------------------------------------------------------------------

/** The merged, fully-qualified config a run sees. */
function stackConfig(opts: RunProgramOptions): Record<string, unknown> {
  const merged: Record<string, unknown> = Object.fromEntries(
    Object.entries(projectDefaults(REPO_ROOT)).map(([key, value]) => [qualify(key), value]),
  );
  const file = opts.configFile ? path.resolve(REPO_ROOT, opts.configFile) : path.join(REPO_ROOT, `Pulumi.${opts.stack}.yaml`);
  if (fs.existsSync(file)) Object.assign(merged, stackFileSettings(file));
  else if (opts.configFile || !opts.config) {
    throw new HarnessConfigError(`No config file for stack "${opts.stack}": ${path.relative(REPO_ROOT, file)} does not exist.`);
  }
  for (const [key, value] of Object.entries(opts.config ?? {})) merged[qualify(key)] = value;
  return merged;
}

/** A stack file's config, keys qualified; an encrypted value cannot be decrypted offline. */
function stackFileSettings(file: string): Record<string, unknown> {
  let config: Record<string, unknown>;
  try {
    config = stackFileConfig(file);
  } catch (error) {
    if (error instanceof StackFileError) throw new HarnessConfigError(`Cannot read ${path.relative(REPO_ROOT, file)}: ${error.message}`);
    throw error;
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (isRecord(value) && "secure" in value) {
      throw new HarnessConfigError(
        `${key} in ${path.basename(file)} is encrypted; offline runs cannot decrypt it, pass it in opts.config instead.`,
      );
    }
    out[qualify(key)] = value;
  }
  return out;
}

function qualify(key: string): string {
  return key.includes(":") ? key : `${PROJECT}:${key}`;
}

/** The engine hands config to programs as strings; lists and objects as JSON text. */
function toRuntimeConfig(config: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}

// ---------------------------------------------------------------------------------------------
// Recording: every RegisterResource request the program sends, as the engine would see it
// ---------------------------------------------------------------------------------------------

type Struct = Parameters<typeof pulumi.runtime.deserializeProperties>[0];
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProtect(): boolean | undefined;
  getDependenciesList(): string[];
  getProvider(): string;
  getObject(): Struct;
  getPropertydependenciesMap(): { forEach(fn: (deps: { getUrnsList(): string[] }, key: string) => void): void };
}
interface RegisterResponse {
  getUrn(): string;
  getId(): string;
  getObject(): Struct | undefined;
}
interface OutputsRequest {
  getUrn(): string;
  getOutputs(): Struct;
}
type Callback = (err: unknown, response: any) => void;
interface MonitorLike {
  registerResource(req: RegisterRequest, callback: Callback): unknown;
  registerResourceOutputs(req: OutputsRequest, callback: Callback): unknown;
}

class Recorder {
  private readonly pending: Promise<RecordedResource | undefined>[] = [];
  private readonly outputs = new Map<string, Promise<Record<string, any>>>();
  private readonly wireOutputs = new Map<string, Record<string, unknown>>();
  private readonly errors: unknown[] = [];

  attach(): void {
    const monitor = pulumi.runtime.getMonitor() as unknown as MonitorLike;
    const register = monitor.registerResource.bind(monitor);
    const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResource = (req, callback) =>
      register(req, (err, response) => {
        if (err) this.errors.push(err);
        else this.pending.push(recordedFrom(req, response));
        callback(err, response);
      });
    monitor.registerResourceOutputs = (req, callback) => {
      this.wireOutputs.set(req.getUrn(), toJavaScript(req.getOutputs()));
      this.outputs.set(req.getUrn(), plain(pulumi.runtime.deserializeProperties(req.getOutputs())));
      return registerOutputs(req, callback);
    };
  }

  async finish(): Promise<RecordedResource[]> {
    if (this.errors.length > 0) throw this.errors[0];
    const resources = (await Promise.all(this.pending)).filter((r): r is RecordedResource => r !== undefined);
    for (const resource of resources) {
      const outputs = this.outputs.get(resource.urn);
      if (outputs) resource.outputs = await outputs;
      const wireOutputs = this.wireOutputs.get(resource.urn);
      if (wireOutputs) resource.wire.outputs = wireOutputs;
    }
    return resources;
  }
}

async function recordedFrom(req: RegisterRequest, response: RegisterResponse): Promise<RecordedResource> {
  const propertyDependencies: Record<string, string[]> = {};
  req.getPropertydependenciesMap().forEach((deps, key) => {
    propertyDependencies[key] = [...deps.getUrnsList()];
  });
  const inputs = toJavaScript(req.getObject());
  const record: RecordedResource = {
    type: req.getType(),
    name: req.getName(),
    urn: response.getUrn(),
    inputs: await plain(pulumi.runtime.deserializeProperties(req.getObject())),
    protect: req.getProtect() ?? false,
    dependsOn: [...req.getDependenciesList()],
    custom: req.getCustom(),
    wire: { inputs, outputs: req.getCustom() ? toJavaScript(response.getObject()) : {}, id: response.getId(), propertyDependencies },
  };
  if (req.getParent()) record.parent = req.getParent();
  if (req.getProvider()) record.provider = req.getProvider();
  return record;
}

/** Resolves the promise-valued fields of assets and archives so inputs are plain data. */
async function plain(value: any): Promise<any> {
  if (pulumi.asset.Asset.isInstance(value)) {
    const asset = value as unknown as { text?: Promise<string>; path?: Promise<string>; uri?: Promise<string> };
    return definedOnly({ text: await asset.text, path: await asset.path, uri: await asset.uri });
  }
  if (pulumi.asset.Archive.isInstance(value)) {
    const archive = value as unknown as { assets?: Promise<Record<string, unknown>>; path?: Promise<string> };
    const assets = await archive.assets;
    return assets ? { assets: await plain(assets) } : { path: await archive.path };
  }
  if (Array.isArray(value)) return Promise.all(value.map(plain));
  if (value !== null && typeof value === "object") {
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await plain(v)] as const));
    return Object.fromEntries(entries);
  }
  return value;
}

/** Every module of the program itself, so the next run re-reads config and re-registers. */
function forgetProgramModules(): void {
  const programPaths = [path.join(REPO_ROOT, "index.ts"), path.join(REPO_ROOT, "config.ts")];
  const programDirs = [path.join(REPO_ROOT, "components") + path.sep, path.join(REPO_ROOT, "functions") + path.sep];
  // bundle.ts stays: its memo depends only on source files, and re-bundling every run costs ~0.5 s.
  const keep = path.join(REPO_ROOT, "components", "bundle.ts");
  for (const id of Object.keys(require.cache)) {
    const isProgram = programPaths.includes(id) || programDirs.some((dir) => id.startsWith(dir));
    if (isProgram && id !== keep) delete require.cache[id];
  }
}

async function waitForRpcs(): Promise<void> {
  const runtime = pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> };
  if (runtime.waitForRPCs) await runtime.waitForRPCs();
}

function toJavaScript(struct: Struct | undefined): Record<string, unknown> {
  return struct ? (struct as unknown as { toJavaScript(): Record<string, unknown> }).toJavaScript() : {};
}

function definedOnly(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

function isRecord(value: unknown): value is Record<string, any> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Resources of one type, for terse assertions. */
export function ofType(resources: readonly RecordedResource[], type: string): RecordedResource[] {
  return resources.filter((r) => r.type === type);
}
