// Config schema builders and a typed reader. The Pulumi CLI fills schema defaults in before it
// calls a policy; readConfig applies them again so a policy called without config (unit tests,
// an older CLI) sees the same values.
import type { PolicyConfigSchema } from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";

export function integerProperty(
    defaultValue: number, minimum: number, maximum: number, description: string,
): PolicyConfigJSONSchema {
    return { type: "integer", minimum, maximum, default: defaultValue, description };
}

export function booleanProperty(defaultValue: boolean, description: string): PolicyConfigJSONSchema {
    return { type: "boolean", default: defaultValue, description };
}

export function stringListProperty(
    defaultValue: string[], description: string, allowed?: string[],
): PolicyConfigJSONSchema {
    const items: PolicyConfigJSONSchema = allowed ? { type: "string", enum: allowed } : { type: "string" };
    return { type: "array", items, default: defaultValue, description };
}

/** Schema defaults, overlaid with whatever the engine passed (its values win). */
export function readConfig<T extends object>(
    schema: PolicyConfigSchema, args: { getConfig<C extends object>(): C },
): T {
    const defaults: Record<string, unknown> = {};
    for (const [key, property] of Object.entries(schema.properties)) {
        if (property.default !== undefined) {
            defaults[key] = property.default;
        }
    }
    return { ...defaults, ...args.getConfig<Record<string, unknown>>() } as T;
}
