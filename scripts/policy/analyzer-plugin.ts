/**
 * The engine's side of an analyzer plugin (analyzer_plugin.go). The pack starts as the CLI's shim starts
 * it: `node <pack>/node_modules/@pulumi/pulumi/cmd/run-policy-pack <engine> .` in the pack's directory (its
 * own node_modules), the stack in PULUMI_STACK / PULUMI_NODEJS_STACK; it prints its gRPC port. Then:
 * Handshake, GetAnalyzerInfo, GetPluginInfo; per run ConfigureStack, Configure, per resource Remediate
 * (whose result must unmarshal, and replaces the inputs) and Analyze, and one AnalyzeStack.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as pb from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { UsageError } from "../../lib/cli";
import type { RecordedResource } from "../lib/program-harness";
import { unmarshalProblem, type WireMap } from "../lib/program-wire";
import type { DeclaredPolicy, EnforcementLevel, MergedConfig } from "./config";

/** A pack that could not start, with its own error output: the checker exits 2 with it. */
export class PackStartError extends UsageError {}

export interface StartOptions {
  /** The pack folder (holds PulumiPolicy.yaml and node_modules). */
  packDir: string;
  project: string;
  stack: string;
  dryRun: boolean;
  /** Start-up bound (default 60 s): the TypeScript compile of the pack happens inside it. */
  timeoutMs?: number;
}

/** A pack serving the Analyzer service, called through the SDK's public generated stub. */
export interface RunningPack {
  call<Res = unknown>(method: keyof AnalyzerClient, request: unknown): Promise<Res>;
  close(): Promise<void>;
}

export async function startPack(opts: StartOptions): Promise<RunningPack> {
  const entry = path.join(opts.packDir, "node_modules", "@pulumi", "pulumi", "cmd", "run-policy-pack");
  if (!fs.existsSync(entry)) {
    throw new PackStartError(`The policy pack's dependencies are not installed; run \`npm ci --prefix ${path.basename(opts.packDir)}\`.`);
  }
  const child = spawn(process.execPath, [entry, "127.0.0.1:0", "."], { cwd: opts.packDir, env: packEnv(opts) });
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
  // The checker itself may run under tsx; the pack must not inherit its loader.
  const { NODE_OPTIONS: _loader, ...env } = process.env;
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

const LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "disabled", "remediate"]; // pb.EnforcementLevel order

/** `message` is the pack's own sentence, without the description the server prepends. */
export type Diagnostic = { policy: string; enforcementLevel: EnforcementLevel; message: string; urn: string };

/** `diagnostics`: violations, and remediations the server could not run (unknown values) at advisory. */
export type RunOutcome = { diagnostics: Diagnostic[]; remediated: { policy: string; urn: string }[] };

export class AnalyzerSession {
  private constructor(
    private readonly pack: RunningPack,
    private readonly opts: StartOptions,
    readonly packName: string,
    readonly packVersion: string,
    readonly policies: DeclaredPolicy[],
  ) {}

  static async start(opts: StartOptions): Promise<AnalyzerSession> {
    const pack = await startPack(opts);
    try {
      const dir = path.resolve(opts.packDir);
      const handshake = new pb.AnalyzerHandshakeRequest().setEngineAddress("127.0.0.1:0").setRootDirectory(dir).setProgramDirectory(dir);
      await pack.call("handshake", handshake).catch(unlessUnimplemented);
      const info = await pack.call<pb.AnalyzerInfo>("getAnalyzerInfo", new Empty());
      await pack.call("getPluginInfo", new Empty());
      const initial = info.getInitialconfigMap();
      const policies = info.getPoliciesList().map((p): DeclaredPolicy => {
        const schema = p.getConfigschema();
        const config = initial.get(p.getName());
        return {
          name: p.getName(),
          description: p.getDescription(),
          enforcementLevel: LEVELS[p.getEnforcementlevel()],
          schema: schema && { properties: toJavaScript(schema.getProperties()), required: schema.getRequiredList() },
          initial: config && { enforcementLevel: LEVELS[config.getEnforcementlevel()], properties: toJavaScript(config.getProperties()) },
        };
      });
      return new AnalyzerSession(pack, opts, info.getName(), info.getVersion(), policies);
    } catch (error) {
      await pack.close();
      throw error;
    }
  }

  close(): Promise<void> {
    return this.pack.close();
  }

  /** ConfigureStack + Configure, then the per-resource and stack analysis. */
  async run(resources: readonly RecordedResource[], config: MergedConfig, tags: Record<string, string>): Promise<RunOutcome> {
    const stackConfig = new pb.AnalyzerStackConfigureRequest().setStack(this.opts.stack).setProject(this.opts.project);
    for (const [key, value] of Object.entries(tags)) stackConfig.getTagsMap().set(key, value);
    await this.pack.call("configureStack", stackConfig.setDryRun(this.opts.dryRun)).catch(unlessUnimplemented);
    const configure = new pb.ConfigureAnalyzerRequest();
    for (const [name, { enforcementLevel, properties }] of Object.entries(config)) {
      const policyConfig = new pb.PolicyConfig().setEnforcementlevel(LEVELS.indexOf(enforcementLevel));
      configure.getPolicyconfigMap().set(name, policyConfig.setProperties(Struct.fromJavaScript(properties as WireMap)));
    }
    await this.pack.call("configure", configure);
    const outcome: RunOutcome = { diagnostics: [], remediated: [] };
    const stack: pb.AnalyzerResource[] = [];
    for (const r of resources) stack.push(stackResource(r, await this.remediateAndAnalyze(r, outcome)));
    const response = await this.pack.call<pb.AnalyzeResponse>("analyzeStack", new pb.AnalyzeStackRequest().setResourcesList(stack));
    outcome.diagnostics.push(...response.getDiagnosticsList().map((d) => this.diagnostic(d, "")));
    return outcome;
  }

  /** Returns the inputs after every remediation. */
  private async remediateAndAnalyze(r: RecordedResource, outcome: RunOutcome): Promise<WireMap> {
    let props = r.wire.inputs;
    const response = await this.pack.call<pb.RemediateResponse>("remediate", describe(new pb.AnalyzeRequest(), r, props));
    for (const remediation of response.getRemediationsList()) {
      const policy = remediation.getPolicyname();
      const notRun = remediation.getDiagnostic();
      if (notRun) outcome.diagnostics.push({ policy, enforcementLevel: "advisory", message: notRun, urn: r.urn });
      const result = remediation.getProperties()?.toJavaScript() as WireMap | undefined;
      if (!result) continue;
      const problem = unmarshalProblem(result);
      if (problem) throw new Error(`Remediation "${policy}" left ${r.name} unreadable to the engine (${problem}); pulumi up would abort.`);
      if (JSON.stringify(result) !== JSON.stringify(props)) outcome.remediated.push({ policy, urn: r.urn });
      props = result;
    }
    const analyzed = await this.pack.call<pb.AnalyzeResponse>("analyze", describe(new pb.AnalyzeRequest(), r, props));
    outcome.diagnostics.push(...analyzed.getDiagnosticsList().map((d) => this.diagnostic(d, r.urn)));
    return props;
  }

  private diagnostic(d: pb.AnalyzeDiagnostic, urn: string): Diagnostic {
    const policy = d.getPolicyname();
    const description = this.policies.find((p) => p.name === policy)?.description ?? d.getDescription();
    const raw = d.getMessage();
    const message = description && raw.startsWith(`${description}\n`) ? raw.slice(description.length + 1) : raw;
    return { policy, enforcementLevel: LEVELS[d.getEnforcementlevel()], message, urn: d.getUrn() || urn };
  }
}

/** As the CLI: an analyzer that does not implement an optional RPC is fine. */
const unlessUnimplemented = (error: grpc.ServiceError) => {
  if (error.code !== grpc.status.UNIMPLEMENTED) throw error;
};

const toJavaScript = (struct: Struct | undefined) => (struct?.toJavaScript() ?? {}) as Record<string, any>;

/** The fields Analyze's request and AnalyzeStack's resources share. */
function describe<T extends pb.AnalyzeRequest | pb.AnalyzerResource>(message: T, r: RecordedResource, props: WireMap): T {
  const options = new pb.AnalyzerResourceOptions().setProtect(r.protect).setParent(r.parent ?? "");
  return message.setUrn(r.urn).setType(r.type).setName(r.name).setOptions(options).setProperties(Struct.fromJavaScript(props)) as T;
}

/** A resource as AnalyzeStack sees it: its outputs (a custom resource's over its remediated inputs), parent and dependencies. */
function stackResource(r: RecordedResource, inputs: WireMap): pb.AnalyzerResource {
  const res = describe(new pb.AnalyzerResource(), r, r.custom ? { ...r.wire.outputs, ...inputs } : r.wire.outputs);
  res.setDependenciesList(r.dependsOn).setParent(r.parent ?? "");
  for (const [key, urns] of Object.entries(r.wire.propertyDependencies)) {
    if (urns.length > 0) res.getPropertydependenciesMap().set(key, new pb.AnalyzerPropertyDependencies().setUrnsList(urns));
  }
  return res;
}
