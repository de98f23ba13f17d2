/**
 * The engine's side of policy config: read a `--policy-pack-config` file, merge it with what the
 * pack declares (GetAnalyzerInfo) the way the CLI does, and validate every policy's config against
 * its JSON schema (ajv here, gojsonschema in the CLI) before anything is sent to the pack.
 *
 * Precedence, as the CLI applies it: a policy's own entry level > `all` > the pack's initialConfig >
 * the policy's declared level; properties are the schema defaults overlaid (shallowly) with the
 * pack's initialConfig, then with the file's. Without a file
 * the pack still gets the schema defaults at the declared levels.
 */

import * as fs from "node:fs";
import Ajv, { type ErrorObject } from "ajv";

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";
export const ENFORCEMENT_LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/** One policy as GetAnalyzerInfo describes it (with the pack's initialConfig for it, if any). */
export interface DeclaredPolicy {
  name: string;
  description?: string;
  enforcementLevel: EnforcementLevel;
  schema?: { properties: Record<string, Record<string, unknown>>; required: string[] };
  initial?: { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> };
}

export interface PolicyConfigEntry {
  enforcementLevel: EnforcementLevel;
  properties: Record<string, unknown>;
}
export type MergedConfig = Record<string, PolicyConfigEntry>;

interface GivenEntry {
  enforcementLevel?: EnforcementLevel;
  properties: Record<string, unknown>;
}

/** A config problem: the checker exits 2 with this one sentence. */
export class PolicyConfigError extends Error {
  readonly name = "PolicyConfigError";
}

function parseLevel(file: string, policy: string, value: unknown): EnforcementLevel {
  if (typeof value === "string" && ENFORCEMENT_LEVELS.includes(value as EnforcementLevel)) return value as EnforcementLevel;
  throw new PolicyConfigError(
    `${file}: "${policy}" has enforcementLevel ${JSON.stringify(value)}; use one of ${ENFORCEMENT_LEVELS.join(", ")}.`,
  );
}

/** The file's shapes the CLI accepts: `"policy": "<level>"` or `"policy": {"enforcementLevel"?, …properties}`. */
export function readPolicyConfigFile(file: string): Record<string, GivenEntry> {
  let raw: unknown;
  try {
    const text = fs.readFileSync(file, "utf8");
    raw = text.trim() === "" ? {} : JSON.parse(text);
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === "ENOENT" ? "does not exist" : `is not valid JSON (${(error as Error).message})`;
    throw new PolicyConfigError(`${file} ${why}; pass a JSON object keyed by policy name.`);
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new PolicyConfigError(`${file} must hold a JSON object keyed by policy name.`);
  }
  const given: Record<string, GivenEntry> = {};
  for (const [policy, value] of Object.entries(raw)) {
    if (typeof value === "string") {
      given[policy] = { enforcementLevel: parseLevel(file, policy, value), properties: {} };
    } else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      const { enforcementLevel, ...properties } = value as Record<string, unknown>;
      given[policy] = {
        enforcementLevel: enforcementLevel === undefined ? undefined : parseLevel(file, policy, enforcementLevel),
        properties,
      };
    } else {
      throw new PolicyConfigError(`${file}: "${policy}" must be an enforcement level string or an object of settings.`);
    }
  }
  return given;
}

function defaults(policy: DeclaredPolicy): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(policy.schema?.properties ?? {})) {
    if (schema.default !== undefined) out[key] = structuredClone(schema.default);
  }
  return out;
}

/** Merges `given` (undefined = no file) into the declared policies; throws PolicyConfigError naming file, key and fix. */
export function mergePolicyConfig(
  declared: readonly DeclaredPolicy[],
  given: Record<string, GivenEntry> | undefined,
  file = "policy config",
): MergedConfig {
  const merged: MergedConfig = {};
  const allLevel = given?.all?.enforcementLevel;
  for (const policy of declared) {
    // Schema defaults, then the pack's own initialConfig, then the file.
    const level = allLevel ?? policy.initial?.enforcementLevel ?? policy.enforcementLevel;
    merged[policy.name] = { enforcementLevel: level, properties: { ...defaults(policy), ...policy.initial?.properties } };
  }
  for (const [name, entry] of Object.entries(given ?? {})) {
    if (name === "all") continue;
    const target = merged[name];
    if (!target) {
      const known = declared.map((p) => p.name).join(", ");
      throw new PolicyConfigError(`${file}: "${name}" is not a policy of this pack; remove it or use one of: ${known}.`);
    }
    target.enforcementLevel = entry.enforcementLevel ?? target.enforcementLevel;
    Object.assign(target.properties, entry.properties);
  }
  for (const policy of declared) validate(policy, merged[policy.name].properties, file);
  return merged;
}

const ajv = new Ajv({ allErrors: false, strict: false });

function validate(policy: DeclaredPolicy, properties: Record<string, unknown>, file: string): void {
  const schema = {
    type: "object",
    properties: policy.schema?.properties ?? {},
    required: policy.schema?.required ?? [],
    additionalProperties: false,
  };
  const check = ajv.compile(schema);
  if (!check(properties)) throw new PolicyConfigError(`${file}: ${describe(policy.name, check.errors![0])}`);
}

/** One sentence: where (policy.key[.index.field]), what is wrong, how to fix it. */
function describe(policy: string, error: ErrorObject): string {
  const at = [policy, ...error.instancePath.split("/").filter(Boolean)].join(".");
  switch (error.keyword) {
    case "additionalProperties":
      return `"${at}" has unknown setting "${error.params.additionalProperty}"; remove it (see the policy's configSchema for the settings it takes).`;
    case "required":
      return `"${at}" is missing "${error.params.missingProperty}"; add it (an exemption needs resource, reason and expires "YYYY-MM-DD").`;
    case "type":
      return `"${at}" must be of type ${error.params.type}; fix its value.`;
    default:
      return `"${at}" ${error.message}; fix its value.`;
  }
}
