/**
 * The engine's conversation with a running pack (analyzer_plugin.go and the step generator):
 * Handshake (tolerating Unimplemented), GetAnalyzerInfo, GetPluginInfo; then per run ConfigureStack,
 * Configure, per resource Remediate — whose result must unmarshal, and replaces the inputs — and
 * Analyze, and one AnalyzeStack over every resource's outputs, dependencies and property dependencies.
 */

import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as pb from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type { RecordedResource } from "../lib/program-harness";
import { unmarshalProblem, type WireMap } from "../lib/program-wire";
import { type RunningPack, type StartOptions, startPack } from "./analyzer-process";
import type { DeclaredPolicy, EnforcementLevel, MergedConfig } from "./config";

const LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "disabled", "remediate"]; // pb.EnforcementLevel order

/** `message` is the pack's own sentence, without the description the server prepends. */
export type Diagnostic = { policy: string; enforcementLevel: EnforcementLevel; message: string; urn: string };

export interface RunOutcome {
  /** Violations, and remediations the server could not run (unknown values) at advisory. */
  diagnostics: Diagnostic[];
  remediated: { policy: string; urn: string }[];
}

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
      if (remediation.getDiagnostic()) {
        outcome.diagnostics.push({ policy, enforcementLevel: "advisory", message: remediation.getDiagnostic(), urn: r.urn });
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
