/**
 * Turns what the analyzer answered into the checker's report (docs/policy.md): violations, exemptions the
 * pack's `policy-exemptions` rule reported, what could not run at preview, and the counts.
 */

import { EXEMPTIONS_POLICY } from "../../policy/lib/exemptions";
import type { RecordedResource } from "../lib/program-harness";
import type { RunOutcome } from "./analyzer-plugin";

type Violation = { policy: string; enforcementLevel: string; resourceType: string; resourceName: string; message: string };
type Exempted = { policy: string; resourceName: string; reason: string; expires: string; message: string };
type NotRun = { policy: string; resourceName: string; reason: string };

const NOT_RUN = /^can't run (?:policy|remediation) '[^']+' from policy pack .*? during preview: (.*)$/s;
const EXEMPTED = /^Exempted until (\d{4}-\d{2}-\d{2}) \((.*)\): ([a-z0-9-]+): (.*)$/s;

/** The `--json` document (docs/policy.md). */
export type Report = ReturnType<typeof buildReport>;

export function buildReport(stack: string, policyConfig: string | null, outcome: RunOutcome, resources: readonly RecordedResource[]) {
  const violations: Violation[] = [];
  const exempted: Exempted[] = [];
  const notRun: NotRun[] = [];
  for (const d of outcome.diagnostics) {
    // A stack policy's violation without a URN belongs to the stack itself.
    const resource = resources.find((r) => (d.urn === "" ? r.type === "pulumi:pulumi:Stack" : r.urn === d.urn));
    const [resourceType, resourceName] = [resource?.type ?? "", resource?.name ?? d.urn];
    const notRunReason = NOT_RUN.exec(d.message)?.[1];
    const exempt = d.policy === EXEMPTIONS_POLICY ? EXEMPTED.exec(d.message) : null;
    if (notRunReason !== undefined) notRun.push({ policy: d.policy, resourceName, reason: notRunReason });
    if (exempt) exempted.push({ policy: exempt[3], resourceName, reason: exempt[2], expires: exempt[1], message: exempt[4] });
    // A config that raises policy-exemptions itself to mandatory (say `"all": "mandatory"`) makes the
    // CLI block on the report; the checker counts it the same way instead of hiding it.
    if (notRunReason === undefined && (!exempt || d.enforcementLevel === "mandatory")) {
      violations.push({ policy: d.policy, enforcementLevel: d.enforcementLevel, resourceType, resourceName, message: d.message });
    }
  }
  const remediations = outcome.remediated.map((r) => ({
    policy: r.policy,
    resourceName: resources.find((x) => x.urn === r.urn)?.name ?? r.urn,
  }));
  const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory");
  const advisory = violations.filter((v) => v.enforcementLevel !== "mandatory");
  return {
    stack,
    policyConfig,
    violations: [...mandatory, ...advisory],
    exempted,
    notRun,
    remediations,
    mandatory: mandatory.length,
    advisory: advisory.length,
    remediated: remediations.length,
  };
}

export function tableReport(report: Report, header: string, elapsedMs: number): string {
  const rows: string[][] = [
    ["POLICY", "LEVEL", "RESOURCE", "MESSAGE"],
    ...report.violations.map((v) => [v.policy, v.enforcementLevel, v.resourceName, v.message]),
    ...report.exempted.map((e) => [e.policy, "exempted", e.resourceName, `until ${e.expires} (${e.reason}): ${e.message}`]),
    ...report.notRun.map((n) => [n.policy, "not run", n.resourceName, n.reason]),
    ...report.remediations.map((r) => [r.policy, "remediated", r.resourceName, "inputs rewritten by the pack before the checks ran"]),
  ];
  const widths = [0, 1, 2].map((col) => Math.max(...rows.map((row) => row[col].length)));
  const table = rows.map((row) => row.map((cell, col) => (col < 3 ? cell.padEnd(widths[col]) : cell)).join("  "));
  const lines = [header, "", ...(rows.length > 1 ? table : ["No violations."]), ""];
  const verdict = report.mandatory > 0 ? "FAIL: mandatory violations would block `pulumi up`" : "PASS";
  lines.push(
    `${report.mandatory} mandatory, ${report.advisory} advisory, ${report.exempted.length} exempted, ` +
      `${report.notRun.length} not run, ${report.remediated} remediated. ${verdict}. (${(elapsedMs / 1000).toFixed(1)} s)`,
  );
  return lines.join("\n");
}
