/**
 * The all-in monthly cost of a stack at a given volume: ingest (per-event costs from ./cost),
 * storage and PITR of what each retention keeps (measured item sizes, ./item-sizes), log
 * storage, and the fixed monthly costs (alarms, dashboard, custom metrics). Steady state: the
 * tables and log groups hold a full retention's worth of data. Pure; prices from ./prices.
 */
import { type CostBreakdown, type CostLine, fmt } from "./cost";
import type { ItemSizes } from "./item-sizes";
import { BYTES_PER_GB, DAYS_PER_MONTH, PRICES } from "./prices";

export interface AllInInputs {
  readonly stack: string;
  /** Per-event costs for one million events. */
  readonly ingestPerMillion: CostBreakdown;
  readonly sizes: ItemSizes;
  readonly eventRetentionDays: number;
  /** 0 = never expire (priced as one year). */
  readonly logRetentionDays: number;
  readonly pitr: boolean;
  /** Lambda + access-log bytes written per million events. */
  readonly logBytesPerMillion: number;
  /** Alarm metrics: one per single-metric alarm, one per metric a metric-math alarm reads. */
  readonly alarmMetrics: number;
  readonly customMetrics: number;
  readonly dashboards: number;
}

export interface MonthlyCost {
  readonly stack: string;
  readonly eventsPerMonth: number;
  readonly lines: CostLine[];
  readonly monthlyUsd: number;
  readonly perMillionUsd: number;
}

/**
 * ActiveSessions rows expire 30 minutes after a session's last activity, but TTL deletes expired
 * items "typically within a few days" (DynamoDB Developer Guide, "Time to Live"): 2 days priced.
 */
export const ACTIVE_ROW_RESIDENCY_DAYS = 2;

const money = (usd: number) => `$${usd}`;

function storageLine(
  item: string,
  count: number,
  countText: string,
  bytes: number,
  days: number,
  price: number,
  note = "",
): CostLine & { gb: number } {
  const gb = (count * bytes * (days / DAYS_PER_MONTH)) / BYTES_PER_GB;
  return {
    item,
    arithmetic: `${countText} × ${bytes} B × ${days} d/${DAYS_PER_MONTH} d = ${fmt(gb)} GB × ${money(price)}${note}`,
    usd: gb * price,
    gb,
  };
}

export function allInMonthly(i: AllInInputs, eventsPerMonth: number): MonthlyCost {
  const millions = eventsPerMonth / 1e6;
  const sessions = eventsPerMonth / i.sizes.events_per_session;
  const sessionsText = `${fmt(eventsPerMonth)}/${i.sizes.events_per_session} sessions`;
  const retention = i.eventRetentionDays;
  const storage = PRICES.dynamoStorageGbMonth.usd;
  const events = storageLine(
    "Events storage",
    eventsPerMonth,
    `${fmt(eventsPerMonth)} ev`,
    i.sizes.events.mean_stored_bytes,
    retention,
    storage,
  );
  const sessionRows = storageLine("Sessions storage", sessions, sessionsText, i.sizes.sessions.mean_stored_bytes, retention, storage);
  const index = storageLine("UserIndex storage", sessions, sessionsText, i.sizes.user_index.mean_stored_bytes, retention, storage);
  const active = storageLine(
    "ActiveSessions storage",
    sessions,
    sessionsText,
    i.sizes.active_sessions.mean_stored_bytes,
    ACTIVE_ROW_RESIDENCY_DAYS,
    storage,
    " (TTL lag)",
  );
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
  if (i.pitr) {
    // PITR bills the table size; global secondary indexes are not backed up.
    const tableGb = events.gb + sessionRows.gb + active.gb;
    lines.push({
      item: "PITR",
      arithmetic: `${fmt(tableGb)} GB of tables × ${money(PRICES.pitrGbMonth.usd)}`,
      usd: tableGb * PRICES.pitrGbMonth.usd,
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
    {
      item: "Alarms",
      arithmetic: `${i.alarmMetrics} alarm metrics × ${money(PRICES.alarmMetricMonth.usd)}`,
      usd: i.alarmMetrics * PRICES.alarmMetricMonth.usd,
    },
    {
      item: "Dashboard",
      arithmetic: `${i.dashboards} × ${money(PRICES.dashboardMonth.usd)}`,
      usd: i.dashboards * PRICES.dashboardMonth.usd,
    },
    {
      item: "Custom metrics",
      arithmetic: `${i.customMetrics} metrics (name × dimension values) × ${money(PRICES.customMetricMonth.usd)}`,
      usd: i.customMetrics * PRICES.customMetricMonth.usd,
    },
  );
  const monthlyUsd = lines.reduce((sum, l) => sum + l.usd, 0);
  return {
    stack: i.stack,
    eventsPerMonth,
    lines: lines.map(({ item, arithmetic, usd }) => ({ item, arithmetic, usd })),
    monthlyUsd,
    perMillionUsd: monthlyUsd / millions,
  };
}

export function renderMonthly(m: MonthlyCost): string {
  const rows = m.lines.map((l) => `  ${l.item.padEnd(24)} ${l.arithmetic.padEnd(86)} = $${l.usd.toFixed(4)}`);
  return [
    `${m.stack} at ${fmt(m.eventsPerMonth / 1e6)} M events/month:`,
    ...rows,
    `  ${"total per month".padEnd(24)} ${"".padEnd(86)} = $${m.monthlyUsd.toFixed(2)}`,
    `  ${"per million events".padEnd(24)} ${`$${m.monthlyUsd.toFixed(4)} / ${fmt(m.eventsPerMonth / 1e6)} M`.padEnd(86)} = $${m.perMillionUsd.toFixed(4)}`,
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
