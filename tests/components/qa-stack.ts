/** A stack "qa" with the collector, realtime, the API and the three tables, for the alarm and dashboard tests. */
import { type AlarmThresholds, buildDashboardBody, type DashboardBody, type MonitoredResources } from "../../components/metrics";

export const QA_RESOURCES: MonitoredResources<string> = {
  stack: "qa",
  collectorFunctionName: "LiveInsight-qa-collector",
  realtimeFunctionName: "LiveInsight-qa-realtime",
  apiId: "api01",
  apiStageName: "$default",
  tableNames: ["LiveInsight-qa-Events", "LiveInsight-qa-Sessions", "LiveInsight-qa-ActiveSessions"],
};

/** The dashboard of `resources` as the program builds it without diagnostic alarms, in eu-west-1. */
export function qaDashboard(resources: MonitoredResources<string>, thresholds: AlarmThresholds): DashboardBody {
  return buildDashboardBody({
    region: "eu-west-1",
    resources,
    thresholds,
    diagnosticAlarms: false,
    collectorLogGroupName: "/aws/lambda/LiveInsight-qa-collector",
  });
}
