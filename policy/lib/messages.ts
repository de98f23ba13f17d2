// Violation sentences share one shape: the resource, the value found (or the AWS default it falls
// back to), then the allowed range — so a reader can fix the stack config without opening the code.

export interface RangeCheck {
  /** e.g. `Lambda function "collector"` */
  readonly subject: string;
  /** the input as written in the program, e.g. `memorySize` */
  readonly field: string;
  readonly value: number | undefined;
  readonly min: number;
  readonly max: number;
  /** appended to numbers, e.g. " MB" */
  readonly unit?: string;
  /** the AWS default used when value is undefined */
  readonly awsDefault?: number;
  /** replaces "so AWS uses its default of …" when the default is not a plain number */
  readonly defaultMeaning?: string;
}

export function subject(kind: string, name: string): string {
  return `${kind} "${name}"`;
}

export function rangeText(min: number, max: number, unit = ""): string {
  return `the allowed range is ${min} to ${max}${unit}`;
}

/** The effective value: the input, or the AWS default when it is missing. */
export function effectiveValue(check: RangeCheck): number | undefined {
  return check.value ?? check.awsDefault;
}

/** Returns the violation sentence, or undefined when the (effective) value is within range. */
export function checkRange(check: RangeCheck): string | undefined {
  const unit = check.unit ?? "";
  const value = effectiveValue(check);
  if (value !== undefined && value >= check.min && value <= check.max) {
    return undefined;
  }
  const range = rangeText(check.min, check.max, unit);
  if (check.value !== undefined) {
    return `${check.subject} has ${check.field} ${check.value}${unit}; ${range}.`;
  }
  const meaning = check.defaultMeaning ?? `so AWS uses its default of ${check.awsDefault}${unit}`;
  return `${check.subject} does not set ${check.field}, ${meaning}; ${range}.`;
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}

export function quoteList(values: readonly string[]): string {
  return values.map((v) => `"${v}"`).join(", ");
}

/** For switches that must be on (PITR, bisect): undefined when `value` is true. */
export function checkRequiredTrue(subjectText: string, field: string, value: unknown): string | undefined {
  if (value === true) {
    return undefined;
  }
  if (value === undefined || value === null) {
    return `${subjectText} does not set ${field}, so AWS uses its default of false; the required value is true.`;
  }
  return `${subjectText} has ${field} ${JSON.stringify(value)}; the required value is true.`;
}
