// Finding which Lambda function another resource points at. During `pulumi preview` a new
// function's ARN is unknown, so the engine's property dependencies are tried first; values
// (name, ARN, invoke ARN, qualified ARN) cover `pulumi up` and stacks analysed from outputs.
import type { PolicyResource } from "@pulumi/policy";
import { dependsThrough, known } from "./resources";

/** `arn:aws:lambda:…:function:NAME[:qualifier]`, also inside an invoke ARN. */
const FUNCTION_IN_ARN = /:function:([A-Za-z0-9_-]+)/;

export function functionNameFromReference(value: string): string {
  const match = FUNCTION_IN_ARN.exec(value);
  return match ? match[1] : value;
}

/** The function's physical name when known: the `name` input, or the name inside its ARN. */
export function functionName(fn: PolicyResource): string | undefined {
  const name = known(() => fn.props.name);
  if (typeof name === "string") {
    return name;
  }
  const arn = known(() => fn.props.arn);
  return typeof arn === "string" ? functionNameFromReference(arn) : undefined;
}

/** True when the string value is this function's name, ARN, invoke ARN or a qualified ARN. */
export function referencesFunction(value: unknown, fn: PolicyResource): boolean {
  if (typeof value !== "string" || value === "") {
    return false;
  }
  const name = functionName(fn);
  return name !== undefined && functionNameFromReference(value) === name;
}

/** True when `holder.props[key]` points at `fn` by dependency or by value. */
export function pointsAtFunction(holder: PolicyResource, key: string, fn: PolicyResource): boolean {
  return (
    dependsThrough(holder, key, fn) ||
    referencesFunction(
      known(() => holder.props[key]),
      fn,
    )
  );
}
