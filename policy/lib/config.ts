// Config schema builders and a typed reader. Thresholds have no schema `default`: the CLI copies
// defaults into the config it sends, which would hide the stack profile. A setting the policy
// config leaves out follows the stack's profile instead (lib/profiles.ts).
import type { PolicyConfigSchema } from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { PROFILES, profileOf } from "./profiles";

export function integerProperty(minimum: number, maximum: number, description: string): PolicyConfigJSONSchema {
  return { type: "integer", minimum, maximum, description: `${description} Default: the stack profile's value.` };
}

export function booleanProperty(description: string): PolicyConfigJSONSchema {
  return { type: "boolean", description: `${description} Default: the stack profile's value.` };
}

export function stringListProperty(description: string, allowed?: string[]): PolicyConfigJSONSchema {
  const items: PolicyConfigJSONSchema = allowed ? { type: "string", enum: allowed } : { type: "string" };
  return { type: "array", items, description: `${description} Default: the stack profile's value.` };
}

/** Integer settings declared once: the config schema, and a reader typed with the same keys. */
export function integerSettings<K extends string>(settings: Record<K, [minimum: number, maximum: number, description: string]>) {
  const properties: Record<string, PolicyConfigJSONSchema> = {};
  for (const [key, [minimum, maximum, description]] of Object.entries<[number, number, string]>(settings)) {
    properties[key] = integerProperty(minimum, maximum, description);
  }
  return {
    schema: schemaOf(properties),
    read: (policy: string, args: ConfigArgs) => readConfig<Record<K, number>>(policy, args),
  };
}

export function schemaOf(properties: Record<string, PolicyConfigJSONSchema>): PolicyConfigSchema {
  return { properties };
}

export interface ConfigArgs {
  getConfig<C extends object>(): C;
  stackTags?: ReadonlyMap<string, string>;
}

/** The stack profile's thresholds for `policy`, overlaid with whatever the policy config sets. */
export function readConfig<T extends object>(policy: string, args: ConfigArgs): T {
  const { exemptions: _exemptions, ...given } = args.getConfig<Record<string, unknown>>();
  return { ...PROFILES[profileOf(args.stackTags)][policy], ...given } as T;
}
