/**
 * The stats API's contract as plain data (docs/stats.md): its paths, where local mode keeps its
 * key, and the secret's name on AWS. Read by the stats function, the StatsApi component, local mode,
 * the policy rule's tests and the docs. No imports.
 */

/** Every path the stats function serves; each needs `Authorization: Bearer <key>`. */
export const STATS_PATHS = {
  stats: "/stats",
  /** The dashboard's live count (ActiveSessions), behind the same key, on the same origin. */
  realtime: "/stats/realtime",
  dashboard: "/dashboard",
} as const;

/** Local mode's key: `<data dir>/<this>`, created with mode 0600 at the first start. */
export const LOCAL_KEY_FILE = "stats-key";

/** The secret holding the key on AWS: `LiveInsight-<stack>-stats-key` (a random 43-character string). */
export const statsSecretName = (stack: string) => `LiveInsight-${stack}-stats-key`;

/** The stats function's environment. */
export const STATS_ENV = {
  /** Secrets Manager secret id (AWS). */
  keySecret: "STATS_KEY_SECRET",
  /** Athena workgroup (its result location and cutoff are enforced by the workgroup). */
  workgroup: "ATHENA_WORKGROUP",
  /** Glue database and table of the archive. */
  database: "ATHENA_DATABASE",
  table: "ATHENA_TABLE",
  /** The archive's retention (eventRetentionDays): no /stats range may be longer. */
  retentionDays: "STATS_RETENTION_DAYS",
} as const;

/** How long the page polls the live count, in ms. */
export const REALTIME_REFRESH_MS = 5_000;
/** The dashboard's budget, gzip level 9, plot library included (issue 20). */
export const DASHBOARD_BUDGET_GZ_BYTES = 80 * 1024;
