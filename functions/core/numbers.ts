/**
 * Numbers DynamoDB can store (Amazon DynamoDB Developer Guide, "Supported data types and naming
 * rules", Number): 0, or a magnitude from 1E-130 to 9.9999999999999999999999999999999999999E+125,
 * with at most 38 significant digits. A JSON number outside that range parses fine in JavaScript
 * and then fails the write, so validation refuses it up front.
 */
const MIN_EXPONENT = -130;
const MAX_EXPONENT = 125;
const MAX_DIGITS = 38;

/** Digits and decimal exponent of the shortest round-trip representation, e.g. 1.5e-7 → ("15", -7). */
function decompose(value: number): { digits: string; exponent: number } {
  const [mantissa, exp] = Math.abs(value).toExponential().split("e");
  return { digits: mantissa.replace(".", ""), exponent: Number(exp) };
}

/** Why `value` cannot be stored as a DynamoDB Number, or undefined when it can. */
export function unstorableNumberProblem(value: number): string | undefined {
  if (!Number.isFinite(value)) return "must be a finite number";
  if (value === 0) return undefined;
  const { digits, exponent } = decompose(value);
  if (exponent > MAX_EXPONENT || exponent < MIN_EXPONENT)
    return "is outside the range DynamoDB stores (0, or a magnitude from 1e-130 to 9.99…e125)";
  if (digits.length > MAX_DIGITS) return `has more than ${MAX_DIGITS} significant digits`;
  return undefined;
}

/**
 * The DynamoDB `N` string: plain decimal notation. JavaScript writes 1e21 and 1e-7 in exponent
 * form; DynamoDB documents numbers as decimal strings, so they are expanded here rather than
 * trusting the service to parse exponents.
 */
export function dynamoNumber(value: number): string {
  const text = String(value);
  if (!/e/i.test(text)) return text;
  const { digits, exponent } = decompose(value);
  const sign = value < 0 ? "-" : "";
  const point = exponent + 1; // position of the decimal point after the first digit
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${"0".repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}
