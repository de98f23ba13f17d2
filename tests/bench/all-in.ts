/**
 * The all-in monthly cost of a stack at a given volume: ingest (per-event costs from ./cost),
 * storage and PITR of what each retention keeps (measured item sizes, ./item-sizes), log
 * storage, live views (./realtime-cost), and the fixed monthly costs (alarms, dashboard, custom
 * metrics, the stats key's secret). Steady state: the tables and log groups hold a full retention's worth of data. No
 * free tier in the total; the one that a stack may well get (CloudWatch's first 3 dashboards per
 * account) is a separate line below it. Pure; prices from ./prices.
 */
import { type ArchiveCostInputs, archiveLines } from "./archive-cost";
import { type CostBreakdown, type CostLine, costRows, fmt, sumUsd } from "./cost";
import type { ItemSizes } from "./item-sizes";
import { BYTES_PER_GB, DAYS_PER_MONTH, PRICES } from "./prices";
import { ANSWERS_PER_VIEWER_DAY, type RealtimeViewerInputs, viewerDayUsd } from "./realtime-cost";

/** CloudWatch's free dashboards per account (aws.amazon.com/cloudwatch/pricing). */
export const FREE_DASHBOARDS_PER_ACCOUNT = 3;

export interface AllInInputs {
  readonly stack: string;
  /** Per-event costs for one million events. */
  readonly ingestPerMillion: CostBreakdown;
  readonly sizes: ItemSizes;
  /** How long Events and Sessions items stay in DynamoDB (the hot tier's TTL). */
  readonly hotRetentionDays: number;
  /** The history archive (S3, Athena, archiver, compaction); absent: DynamoDB keeps everything. */
  readonly archive?: ArchiveCostInputs;
  /** 0 = never expire (priced as one year). */
  readonly logRetentionDays: number;
  readonly pitr: boolean;
  /** Lambda + access-log bytes written per million events. */
  readonly logBytesPerMillion: number;
  /** Alarm metrics: one per single-metric alarm, one per metric a metric-math alarm reads. */
  readonly alarmMetrics: number;
  readonly customMetrics: number;
  readonly dashboards: number;
  /** Secrets Manager secrets the stack keeps (the stats key); its reads are cached for a minute, priced under the viewers. */
  readonly secrets: number;
  /** Live views: one viewer-day's inputs and how many viewer-days a month; absent: not priced. */
  readonly realtime?: { readonly viewer: RealtimeViewerInputs; readonly viewerDaysPerMonth: number };
}

export interface MonthlyCost {
  readonly stack: string;
  readonly eventsPerMonth: number;
  readonly lines: CostLine[];
  readonly monthlyUsd: number;
  readonly perMillionUsd: number;
  /** Free-tier credits the stack may get, never in monthlyUsd: shown apart, with the figures they would give. */
  readonly freeTier: CostLine[];
  readonly perMillionWithFreeTierUsd: number;
}

/**
 * ActiveSessions rows expire 30 minutes after a session's last activity, but TTL deletes expired
 * items "typically within a few days" (DynamoDB Developer Guide, "Time to Live"): 2 days priced.
 */
export const ACTIVE_ROW_RESIDENCY_DAYS = 2;

const money = (usd: number) => `$${usd}`;

/** `count` items of `bytes` kept `days` days, as GB-months of DynamoDB storage. */
function storageLine(item: string, count: number, countText: string, bytes: number, days: number, note = ""): CostLine & { gb: number } {
  const gb = (count * bytes * (days / DAYS_PER_MONTH)) / BYTES_PER_GB;
  const price = PRICES.dynamoStorageGbMonth.usd;
  return {
    item,
    arithmetic: `${countText} × ${bytes} B × ${days} d/${DAYS_PER_MONTH} d = ${fmt(gb)} GB × ${money(price)}${note}`,
    usd: gb * price,
    gb,
  };
}

/** A fixed monthly cost: `count` billed units at a monthly price. */
const monthly = (item: string, count: number, unit: string, price: number): CostLine => ({
  item,
  arithmetic: `${fmt(count)}${unit} × ${money(price)}`,
  usd: count * price,
});

export function allInMonthly(i: AllInInputs, eventsPerMonth: number): MonthlyCost {
  const millions = eventsPerMonth / 1e6;
  const sessions = eventsPerMonth / i.sizes.events_per_session;
  const perSession = (item: string, bytes: number, days = i.hotRetentionDays, note = "") =>
    storageLine(item, sessions, `${fmt(eventsPerMonth)}/${i.sizes.events_per_session} sessions`, bytes, days, note);
  const events = storageLine(
    "Events storage",
    eventsPerMonth,
    `${fmt(eventsPerMonth)} ev`,
    i.sizes.events.mean_stored_bytes,
    i.hotRetentionDays,
  );
  const sessionRows = perSession("Sessions storage", i.sizes.sessions.mean_stored_bytes);
  const index = perSession("UserIndex storage", i.sizes.user_index.mean_stored_bytes);
  const active = perSession("ActiveSessions storage", i.sizes.active_sessions.mean_stored_bytes, ACTIVE_ROW_RESIDENCY_DAYS, " (TTL lag)");
  const lines: CostLine[] = [
    {
      item: "Ingest",
      arithmetic: `${fmt(millions)} M ev × $${i.ingestPerMillion.totalUsd.toFixed(4)}/M (per-million lines above)`,
      usd: millions * i.ingestPerMillion.totalUsd,
    },
    events,
    sessionRows,
    index,
    active,
  ];
  // PITR bills the table size; global secondary indexes are not backed up.
  if (i.pitr) lines.push(monthly("PITR", events.gb + sessionRows.gb + active.gb, " GB of tables", PRICES.pitrGbMonth.usd));
  if (i.archive) lines.push(...archiveLines(i.archive, eventsPerMonth));
  if (i.realtime) {
    const { viewer, viewerDaysPerMonth } = i.realtime;
    const perDay = viewerDayUsd(viewer);
    lines.push({
      item: "Realtime viewers",
      arithmetic: `${fmt(viewerDaysPerMonth)} viewer-days × $${perDay.toFixed(4)} (${fmt(ANSWERS_PER_VIEWER_DAY)} answers × ${fmt(viewer.readUnitsPerAnswer)} RRU + API, Lambda, logs)`,
      usd: viewerDaysPerMonth * perDay,
    });
  }
  const logDays = i.logRetentionDays === 0 ? 365 : i.logRetentionDays;
  const logGb = (millions * i.logBytesPerMillion * (logDays / DAYS_PER_MONTH)) / BYTES_PER_GB;
  lines.push(
    {
      item: "Log storage",
      arithmetic: `${fmt(millions)} M ev × ${fmt(i.logBytesPerMillion)} B/M × ${logDays} d/${DAYS_PER_MONTH} d = ${fmt(logGb)} GB × ${money(PRICES.logsStorageGbMonth.usd)}${i.logRetentionDays === 0 ? " (never expires: 1 year shown)" : ""}`,
      usd: logGb * PRICES.logsStorageGbMonth.usd,
    },
    monthly("Alarms", i.alarmMetrics, " alarm metrics", PRICES.alarmMetricMonth.usd),
    monthly("Dashboard", i.dashboards, "", PRICES.dashboardMonth.usd),
    monthly("Custom metrics", i.customMetrics, " metrics (name × dimension values)", PRICES.customMetricMonth.usd),
    monthly("Stats key secret", i.secrets, " secrets", PRICES.secretMonth.usd),
  );
  const monthlyUsd = sumUsd(lines);
  const freeDashboards = Math.min(i.dashboards, FREE_DASHBOARDS_PER_ACCOUNT);
  const freeTier: CostLine[] =
    freeDashboards > 0
      ? [
          {
            item: "Dashboard free tier",
            arithmetic: `only if the account has no more than ${FREE_DASHBOARDS_PER_ACCOUNT} dashboards: −${freeDashboards} × ${money(PRICES.dashboardMonth.usd)}`,
            usd: -freeDashboards * PRICES.dashboardMonth.usd,
          },
        ]
      : [];
  return {
    stack: i.stack,
    eventsPerMonth,
    lines: lines.map(({ item, arithmetic, usd }) => ({ item, arithmetic, usd })),
    monthlyUsd,
    perMillionUsd: monthlyUsd / millions,
    freeTier,
    perMillionWithFreeTierUsd: (monthlyUsd + sumUsd(freeTier)) / millions,
  };
}

export function renderMonthly(m: MonthlyCost): string {
  const total = { item: "total per month", arithmetic: "", usd: m.monthlyUsd };
  const perMillionText = `$${m.monthlyUsd.toFixed(4)} / ${fmt(m.eventsPerMonth / 1e6)} M`;
  return [
    `${m.stack} at ${fmt(m.eventsPerMonth / 1e6)} M events/month:`,
    ...costRows(m.lines, 24, 86),
    ...costRows([total], 24, 86, 2),
    ...costRows([{ item: "per million events", arithmetic: perMillionText, usd: m.perMillionUsd }], 24, 86),
    ...(m.freeTier.length > 0
      ? [
          "  not in the total above, a free tier the stack may get:",
          ...costRows(m.freeTier, 24, 86),
          ...costRows([{ item: "per million with it", arithmetic: "", usd: m.perMillionWithFreeTierUsd }], 24, 86),
        ]
      : []),
  ].join("\n");
}

/** dev and prod side by side, one row per volume. */
export function sideBySide(byStack: Record<string, MonthlyCost[]>): string {
  const stacks = Object.keys(byStack);
  const head = `| events/month | ${stacks.map((s) => `${s} $/month | ${s} $/M events`).join(" | ")} |`;
  const rule = `|---|${stacks.map(() => "---|---").join("|")}|`;
  const volumes = byStack[stacks[0]!]!.map((m) => m.eventsPerMonth);
  const rows = volumes.map(
    (v, k) =>
      `| ${fmt(v / 1e6)} M | ${stacks.map((s) => `$${byStack[s]![k]!.monthlyUsd.toFixed(2)} | **$${byStack[s]![k]!.perMillionUsd.toFixed(4)}**`).join(" | ")} |`,
  );
  return [head, rule, ...rows].join("\n");
}

/** Every line item of every stack and volume, one row each ("—" where a stack has no such line, e.g. dev's PITR). */
export function lineItemTable(byStack: Record<string, MonthlyCost[]>): string {
  const columns = Object.entries(byStack).flatMap(([stack, months]) => months.map((m) => ({ stack, m })));
  // In the order of the stack with the most lines (prod's PITR sits after its storage, not at the end).
  const byLength = [...columns].sort((a, b) => b.m.lines.length - a.m.lines.length);
  const items = [...new Set(byLength.flatMap(({ m }) => m.lines.map((l) => l.item)))];
  const cell = (m: MonthlyCost, item: string) => {
    const line = m.lines.find((l) => l.item === item);
    return line === undefined ? "—" : `$${line.usd.toFixed(2)}`;
  };
  const head = `| line item, $/month | ${columns.map(({ stack, m }) => `${stack} ${fmt(m.eventsPerMonth / 1e6)} M`).join(" | ")} |`;
  const rule = `|---|${columns.map(() => "---:|").join("")}`;
  const rows = items.map((item) => `| ${item} | ${columns.map(({ m }) => cell(m, item)).join(" | ")} |`);
  const total = `| **total** | ${columns.map(({ m }) => `**$${m.monthlyUsd.toFixed(2)}**`).join(" | ")} |`;
  const free = `| free tier, not in the total | ${columns.map(({ m }) => `$${m.freeTier.reduce((n, l) => n + l.usd, 0).toFixed(2)}`).join(" | ")} |`;
  return [head, rule, ...rows, total, free].join("\n");
}
