/**
 * The root `pulumi:pulumi:Stack` resource, which the engine includes in AnalyzeStack with the
 * program's stack outputs. Mocks register no root, so the checker adds it from the program's exports.
 */
import type { RecordedResource } from "../lib/program-harness";
import { UNKNOWN } from "./wire";

export function rootStackResource(project: string, stack: string, outputs: Record<string, unknown>, preview: boolean): RecordedResource {
  const name = `${project}-${stack}`;
  // An output a preview cannot know resolves to undefined in the SDK; the engine shows it as unknown.
  const wireOutputs = Object.fromEntries(
    Object.entries(outputs).flatMap(([k, v]) => (v === undefined ? (preview ? [[k, UNKNOWN]] : []) : [[k, v]])),
  );
  return {
    type: "pulumi:pulumi:Stack",
    name,
    urn: `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${name}`,
    inputs: {},
    protect: false,
    dependsOn: [],
    custom: false,
    outputs,
    wire: { inputs: {}, outputs: wireOutputs, id: "", propertyDependencies: {} },
  };
}
