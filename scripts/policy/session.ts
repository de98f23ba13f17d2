/**
 * The engine's conversation with a running pack (analyzer_plugin.go and the step generator):
 * Handshake (tolerating Unimplemented), ConfigureStack, GetAnalyzerInfo, GetPluginInfo, Configure;
 * then per resource Remediate — whose result must unmarshal, and replaces the inputs — and Analyze;
 * then one AnalyzeStack over every resource's outputs, dependencies and property dependencies.
 */

import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type { RecordedResource } from "../lib/program-harness";
import { call, type RunningPack, startPack } from "./analyzer-process";
import type { DeclaredPolicy, EnforcementLevel, MergedConfig } from "./config";
import { engineProperties, unmarshalProblem, type WireMap, withoutInternalKeys } from "./wire";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const pb = require("@pulumi/pulumi/proto/analyzer_pb");

const LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "disabled", "remediate"]; // proto enum order
const levelNumber = (level: EnforcementLevel) => LEVELS.indexOf(level);

export interface Diagnostic {
  policy: string;
  enforcementLevel: EnforcementLevel;
  /** The pack's own sentence, without the description the server prepends. */
  message: string;
  urn: string;
}

export interface Remediated {
  policy: string;
  urn: string;
}

export interface RunOutcome {
  diagnostics: Diagnostic[];
  remediated: Remediated[];
  /** Remediations the server could not run (unknown values), as diagnostics at advisory. */
  remediationNotRun: Diagnostic[];
}

export interface SessionOptions {
  packDir: string;
  project: string;
  stack: string;
  preview: boolean;
  startTimeoutMs?: number;
}

export class AnalyzerSession {
  private descriptions = new Map<string, string>();

  private constructor(
    private readonly pack: RunningPack,
    private readonly opts: SessionOptions,
    readonly packName: string,
    readonly packVersion: string,
    readonly policies: DeclaredPolicy[],
  ) {
    for (const p of policies) this.descriptions.set(p.name, p.description ?? "");
  }

  static async start(opts: SessionOptions): Promise<AnalyzerSession> {
    const pack = await startPack({
      packDir: opts.packDir,
      project: opts.project,
      stack: opts.stack,
      dryRun: opts.preview,
      timeoutMs: opts.startTimeoutMs,
    });
    try {
      await handshake(pack.client, opts.packDir);
      const info = await call<any>(pack.client, "getAnalyzerInfo", new Empty());
      await call(pack.client, "getPluginInfo", new Empty());
      const policies: DeclaredPolicy[] = info.getPoliciesList().map(declaredPolicy);
      info.getInitialconfigMap().forEach((c: any, name: string) => {
        const policy = policies.find((p) => p.name === name);
        if (policy)
          policy.initial = { enforcementLevel: LEVELS[c.getEnforcementlevel()], properties: c.getProperties()?.toJavaScript() ?? {} };
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
    await this.configureStack(tags);
    await call(this.pack.client, "configure", configureRequest(config));
    const outcome: RunOutcome = { diagnostics: [], remediated: [], remediationNotRun: [] };
    const inputs = new Map<string, WireMap>();
    for (const r of resources) inputs.set(r.urn, await this.remediateAndAnalyze(r, outcome));
    const stack = resources.map((r) => stackResource(r, inputs.get(r.urn)!));
    const response = await call<any>(this.pack.client, "analyzeStack", new pb.AnalyzeStackRequest().setResourcesList(stack));
    outcome.diagnostics.push(...response.getDiagnosticsList().map((d: any) => this.diagnostic(d, "")));
    return outcome;
  }

  private async configureStack(tags: Record<string, string>): Promise<void> {
    const req = new pb.AnalyzerStackConfigureRequest().setStack(this.opts.stack).setProject(this.opts.project).setDryRun(this.opts.preview);
    for (const [k, v] of Object.entries(tags)) req.getTagsMap().set(k, v);
    await tolerateUnimplemented(call(this.pack.client, "configureStack", req));
  }

  private async remediateAndAnalyze(r: RecordedResource, outcome: RunOutcome): Promise<WireMap> {
    let props = engineProperties(r.wire.inputs, false);
    const response = await call<any>(this.pack.client, "remediate", analyzeRequest(r, props));
    for (const remediation of response.getRemediationsList()) {
      const policy: string = remediation.getPolicyname();
      if (remediation.getDiagnostic()) {
        outcome.remediationNotRun.push({ policy, enforcementLevel: "advisory", message: remediation.getDiagnostic(), urn: r.urn });
      }
      const result = remediation.getProperties()?.toJavaScript() as WireMap | undefined;
      if (!result) continue;
      const problem = unmarshalProblem(result);
      if (problem) {
        throw new Error(
          `Remediation "${policy}" returned properties for ${r.name} that the engine cannot read (${problem}); pulumi preview/up would abort.`,
        );
      }
      if (JSON.stringify(result) !== JSON.stringify(props)) outcome.remediated.push({ policy, urn: r.urn });
      props = result;
    }
    const analyzed = await call<any>(this.pack.client, "analyze", analyzeRequest(r, withoutInternalKeys(props)));
    outcome.diagnostics.push(...analyzed.getDiagnosticsList().map((d: any) => this.diagnostic(d, r.urn)));
    return props;
  }

  private diagnostic(d: any, urn: string): Diagnostic {
    const policy: string = d.getPolicyname();
    const description = this.descriptions.get(policy) ?? d.getDescription();
    const raw: string = d.getMessage();
    const message = description && raw.startsWith(`${description}\n`) ? raw.slice(description.length + 1) : raw;
    return { policy, enforcementLevel: LEVELS[d.getEnforcementlevel()], message, urn: d.getUrn() || urn };
  }
}

async function handshake(client: grpc.Client, packDir: string): Promise<void> {
  const dir = path.resolve(packDir);
  const req = new pb.AnalyzerHandshakeRequest().setEngineAddress("127.0.0.1:0").setRootDirectory(dir).setProgramDirectory(dir);
  await tolerateUnimplemented(call(client, "handshake", req));
}

/** As the CLI: an analyzer that does not implement an optional RPC is fine. */
async function tolerateUnimplemented(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (error) {
    if ((error as grpc.ServiceError).code !== grpc.status.UNIMPLEMENTED) throw error;
  }
}

function declaredPolicy(p: any): DeclaredPolicy & { description: string } {
  const schema = p.getConfigschema();
  return {
    name: p.getName(),
    description: p.getDescription(),
    enforcementLevel: LEVELS[p.getEnforcementlevel()],
    schema: schema ? { properties: schema.getProperties()?.toJavaScript() ?? {}, required: schema.getRequiredList() } : undefined,
  };
}

function configureRequest(config: MergedConfig): unknown {
  const req = new pb.ConfigureAnalyzerRequest();
  for (const [name, entry] of Object.entries(config)) {
    const policyConfig = new pb.PolicyConfig()
      .setEnforcementlevel(levelNumber(entry.enforcementLevel))
      .setProperties(Struct.fromJavaScript(entry.properties as any));
    req.getPolicyconfigMap().set(name, policyConfig);
  }
  return req;
}

function options(r: RecordedResource): unknown {
  const opts = new pb.AnalyzerResourceOptions().setProtect(r.protect);
  if (r.parent) opts.setParent(r.parent);
  return opts;
}

function analyzeRequest(r: RecordedResource, props: WireMap): unknown {
  return new pb.AnalyzeRequest()
    .setUrn(r.urn)
    .setType(r.type)
    .setName(r.name)
    .setOptions(options(r))
    .setProperties(Struct.fromJavaScript(props as any));
}

/** A resource as AnalyzeStack sees it: its outputs (over the remediated inputs), parent and dependencies. */
function stackResource(r: RecordedResource, inputs: WireMap): unknown {
  const outputs = r.custom
    ? { ...engineProperties(r.wire.outputs, true), ...withoutInternalKeys(inputs) }
    : engineProperties(r.wire.outputs, true);
  const res = new pb.AnalyzerResource()
    .setUrn(r.urn)
    .setType(r.type)
    .setName(r.name)
    .setOptions(options(r))
    .setProperties(Struct.fromJavaScript(outputs as any))
    .setDependenciesList(r.dependsOn);
  if (r.parent) res.setParent(r.parent);
  for (const [key, urns] of Object.entries(r.wire.propertyDependencies)) {
    if (urns.length > 0) res.getPropertydependenciesMap().set(key, new pb.AnalyzerPropertyDependencies().setUrnsList(urns));
  }
  return res;
}
