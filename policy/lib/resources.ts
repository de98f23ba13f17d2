// Helpers shared by the policy modules: type-filtered validators (what validateResourceOfType does
// for SDK classes, keyed on the type token) and preview-safe cross-resource references.
import type { PolicyResource, ReportViolation, ResourceRemediation, ResourceValidation, ResourceValidationArgs } from "@pulumi/policy";
import { keepArchives } from "./archives";

export type Props = Record<string, any>;

type Validate = (props: Props, args: ResourceValidationArgs, report: ReportViolation) => void;
type Remediate = (props: Props, args: ResourceValidationArgs) => Props | undefined;

function notOfType(args: ResourceValidationArgs, types: readonly string[]): boolean {
  if (types.includes(args.type)) {
    return false;
  }
  args.notApplicable(`Policy only applies to resources of type '${types.join("', '")}'`);
  return true;
}

/** The policy server skips other types without calling us when exactly one type is attached. */
function tagType<F extends object>(fn: F, types: readonly string[]): F {
  return types.length === 1 ? Object.assign(fn, { __pulumiType: types[0] }) : fn;
}

export function validateTypes(types: readonly string[], validate: Validate): ResourceValidation {
  const fn: ResourceValidation = (args, report) => {
    if (!notOfType(args, types)) {
      validate(args.props, args, report);
    }
  };
  return tagType(fn, types);
}

/** Remediated props go back with their archives in wire form, so a Lambda keeps its code (lib/archives.ts). */
export function remediateTypes(types: readonly string[], remediate: Remediate): ResourceRemediation {
  const fn: ResourceRemediation = (args) => {
    const result = notOfType(args, types) ? undefined : remediate(args.props, args);
    return result === undefined ? undefined : keepArchives(result);
  };
  return tagType(fn, types);
}

/**
 * Reads a property that may be unknown during preview (an ARN of a resource not created yet). The
 * engine's proxy throws on unknowns; matching code treats them as "no match" instead of giving up.
 * Checked by constructor name because the pack and the engine may load different @pulumi/policy copies.
 */
export function known<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (e) {
    if (e instanceof Error && e.constructor.name === "UnknownValueError") {
      return undefined;
    }
    throw e;
  }
}

export function ofType(resources: readonly PolicyResource[], type: string): PolicyResource[] {
  return resources.filter((r) => r.type === type);
}

/** True when the engine recorded that `holder.props[key]` was computed from `target`. */
export function dependsThrough(holder: PolicyResource, key: string, target: PolicyResource): boolean {
  return (holder.propertyDependencies[key] ?? []).some((d) => d.urn === target.urn);
}
