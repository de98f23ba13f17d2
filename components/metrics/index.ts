/**
 * Everything the Observability component knows about metrics, as plain data and pure functions,
 * one concern per module: thresholds, metric filters, the metric catalog, alarm specifications
 * and the dashboard body. No Pulumi imports: tests and tools call these without mocks, and the
 * component only turns their output into resources.
 */
export * from "./alarms";
export * from "./catalog";
export * from "./dashboard";
export * from "./filters";
export * from "./thresholds";
