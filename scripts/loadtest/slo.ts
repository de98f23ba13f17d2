// SLO gates. A run passes when every requested objective holds; a run where no request succeeded
// never passes, because it measured nothing (a CI gate must not go green against a dead target).

export interface SloCheck {
  name: "p99_latency_ms" | "success_rate" | "any_success";
  objective: string;
  threshold: number;
  actual: number | null;
  passed: boolean;
}

export interface SloResult {
  passed: boolean;
  checks: SloCheck[];
}

export interface SloInput {
  p99Ms: number | null;
  successRate: number | null;
  okRequests: number;
}

export interface SloTargets {
  sloP99Ms: number | null;
  sloSuccess: number | null;
}

export function evaluateSlos(targets: SloTargets, measured: SloInput): SloResult {
  const checks: SloCheck[] = [];
  if (targets.sloP99Ms !== null) {
    checks.push({
      name: "p99_latency_ms",
      objective: `p99 latency <= ${targets.sloP99Ms} ms`,
      threshold: targets.sloP99Ms,
      actual: measured.p99Ms,
      passed: measured.p99Ms !== null && measured.p99Ms <= targets.sloP99Ms,
    });
  }
  if (targets.sloSuccess !== null) {
    checks.push({
      name: "success_rate",
      objective: `success rate >= ${formatPercent(targets.sloSuccess)}`,
      threshold: targets.sloSuccess,
      actual: measured.successRate,
      passed: measured.successRate !== null && measured.successRate >= targets.sloSuccess,
    });
  }
  checks.push({
    name: "any_success",
    objective: "at least one request succeeded",
    threshold: 1,
    actual: measured.okRequests,
    passed: measured.okRequests >= 1,
  });
  return { passed: checks.every((check) => check.passed), checks };
}

/** 0.999 → "99.9%", 1 → "100%", 0.98765 → "98.765%" (no rounding that could hide a miss). */
export function formatPercent(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(6))}%`;
}
