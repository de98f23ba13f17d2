/**
 * The one tolerance of the cost-model tests (dollars, invocations, ratios). Every expected value
 * is written as the arithmetic that gives it, so all that is left between the two is
 * floating-point rounding: a relative 1e-9 (1e-12 absolute near zero) catches any real change
 * and never fails on the order of additions.
 */
import { expect } from "chai";

export const RELATIVE_TOLERANCE = 1e-9;
export const ABSOLUTE_FLOOR = 1e-12;

export function expectClose(actual: number | undefined, expected: number, what?: string): void {
  expect(actual, what).to.be.a("number");
  expect(actual, what).to.be.closeTo(expected, Math.max(ABSOLUTE_FLOOR, Math.abs(expected) * RELATIVE_TOLERANCE));
}
