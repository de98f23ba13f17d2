// Minimal inline-SVG charts for the HTML report: no scripts, no fonts, no network, so the report
// is one file that opens anywhere (a CI artifact, an e-mail attachment).
import { niceStep } from "./stats";

export interface Point {
  x: number;
  y: number | null; // null: no data (a gap in the line)
}

export interface Series {
  name: string;
  color: string;
  points: Point[];
  dashed?: boolean;
  fill?: boolean;
}

export interface Frame {
  title: string;
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
}

export interface Marker {
  x: number;
  label: string;
  color: string;
}

export interface Bar {
  from: number;
  to: number;
  value: number;
}

const MARGIN = { left: 64, right: 24, top: 56, bottom: 50 };

export function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * Ticks at a readable step from 0 until one reaches max. A max within 1% above a tick (a run of
 * 6.004 s) ends on that tick instead of adding a whole empty step to the axis.
 */
export function niceTicks(max: number, targetCount = 5): number[] {
  const top = max > 0 ? max : 1;
  const step = niceStep(top / targetCount);
  const ticks = [0];
  while (ticks[ticks.length - 1] < top * 0.99) ticks.push(roundTick(ticks.length * step));
  return ticks;
}

const roundTick = (value: number): number => Number(value.toPrecision(10));

function formatTick(value: number): string {
  if (Math.abs(value) >= 10_000) return `${roundTick(value / 1000)}k`;
  return String(roundTick(value));
}

interface Scale {
  x: (value: number) => number;
  y: (value: number) => number;
  xTicks: number[];
  yTicks: number[];
  width: number;
  height: number;
}

function makeScale(frame: Frame, xMax: number, yMax: number): Scale {
  const width = frame.width ?? 560;
  const height = frame.height ?? 300;
  const xTicks = niceTicks(xMax);
  const yTicks = niceTicks(yMax);
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const xTop = xTicks[xTicks.length - 1];
  const yTop = yTicks[yTicks.length - 1];
  return {
    x: (value) => MARGIN.left + (value / xTop) * plotW,
    y: (value) => MARGIN.top + plotH - (value / yTop) * plotH,
    xTicks,
    yTicks,
    width,
    height,
  };
}

function axes(frame: Frame, scale: Scale): string {
  const parts: string[] = [];
  const bottom = scale.height - MARGIN.bottom;
  const right = scale.width - MARGIN.right;
  for (const tick of scale.yTicks) {
    const y = scale.y(tick).toFixed(1);
    parts.push(`<line x1="${MARGIN.left}" y1="${y}" x2="${right}" y2="${y}" class="grid"/>`);
    parts.push(
      `<text x="${MARGIN.left - 6}" y="${y}" class="tick" text-anchor="end" dominant-baseline="middle">${formatTick(tick)}</text>`,
    );
  }
  for (const tick of scale.xTicks) {
    const x = scale.x(tick).toFixed(1);
    parts.push(`<line x1="${x}" y1="${bottom}" x2="${x}" y2="${bottom + 4}" class="axis"/>`);
    parts.push(`<text x="${x}" y="${bottom + 16}" class="tick" text-anchor="middle">${formatTick(tick)}</text>`);
  }
  parts.push(`<line x1="${MARGIN.left}" y1="${bottom}" x2="${right}" y2="${bottom}" class="axis"/>`);
  parts.push(`<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${bottom}" class="axis"/>`);
  parts.push(
    `<text x="${(MARGIN.left + right) / 2}" y="${scale.height - 10}" class="label" text-anchor="middle">${escapeXml(frame.xLabel)}</text>`,
  );
  const midY = (MARGIN.top + bottom) / 2;
  parts.push(
    `<text x="16" y="${midY}" class="label" text-anchor="middle" transform="rotate(-90 16 ${midY})">${escapeXml(frame.yLabel)}</text>`,
  );
  parts.push(`<text x="${MARGIN.left}" y="22" class="title">${escapeXml(frame.title)}</text>`);
  return parts.join("");
}

/** Legend on its own row under the title, so it never collides with a long title. */
function legend(items: { name: string; color: string; dashed?: boolean }[]): string {
  let x = MARGIN.left;
  const parts: string[] = [];
  for (const item of items) {
    const dash = item.dashed ? ' stroke-dasharray="4 3"' : "";
    parts.push(`<line x1="${x}" y1="38" x2="${x + 18}" y2="38" stroke="${item.color}" stroke-width="2.5"${dash}/>`);
    parts.push(`<text x="${x + 24}" y="38" class="legend" dominant-baseline="middle">${escapeXml(item.name)}</text>`);
    x += 24 + Math.ceil(item.name.length * 6.2) + 18;
  }
  return parts.join("");
}

function svgOpen(scale: Scale, title: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${scale.width} ${scale.height}" width="${scale.width}" height="${scale.height}" role="img" aria-label="${escapeXml(title)}">`;
}

/** Splits a series at null values so a second without data shows as a gap, not a fake slope. */
function segments(points: Point[]): { x: number; y: number }[][] {
  const runs: { x: number; y: number }[][] = [];
  let current: { x: number; y: number }[] = [];
  for (const point of points) {
    if (point.y === null) {
      if (current.length) runs.push(current);
      current = [];
    } else current.push({ x: point.x, y: point.y });
  }
  if (current.length) runs.push(current);
  return runs;
}

export function lineChart(frame: Frame, series: Series[]): string {
  const all = series.flatMap((s) => s.points);
  const xMax = Math.max(1e-9, ...all.map((p) => p.x));
  const yMax = Math.max(1e-9, ...all.map((p) => p.y ?? 0));
  const scale = makeScale(frame, xMax, yMax);
  const parts = [svgOpen(scale, frame.title), axes(frame, scale)];
  for (const s of series) {
    for (const run of segments(s.points)) {
      const d = run.map((p, i) => `${i ? "L" : "M"}${scale.x(p.x).toFixed(1)} ${scale.y(p.y).toFixed(1)}`).join(" ");
      if (s.fill && run.length > 1) {
        const base = scale.y(0).toFixed(1);
        const area = `${d} L${scale.x(run[run.length - 1].x).toFixed(1)} ${base} L${scale.x(run[0].x).toFixed(1)} ${base} Z`;
        parts.push(`<path d="${area}" fill="${s.color}" fill-opacity="0.15" stroke="none"/>`);
      }
      const dash = s.dashed ? ' stroke-dasharray="5 4"' : "";
      parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2" stroke-linejoin="round"${dash}/>`);
      if (s.points.length <= 60) {
        for (const p of run)
          parts.push(`<circle cx="${scale.x(p.x).toFixed(1)}" cy="${scale.y(p.y).toFixed(1)}" r="2.5" fill="${s.color}"/>`);
      }
    }
  }
  parts.push(legend(series), "</svg>");
  return parts.join("");
}

export function barChart(frame: Frame, bars: Bar[], markers: Marker[], color = "#4e79a7"): string {
  const xMax = Math.max(1e-9, ...bars.map((b) => b.to), ...markers.map((m) => m.x));
  const yMax = Math.max(1, ...bars.map((b) => b.value));
  const scale = makeScale(frame, xMax, yMax);
  const parts = [svgOpen(scale, frame.title), axes(frame, scale)];
  for (const bar of bars) {
    const x = scale.x(bar.from);
    const w = Math.max(0.5, scale.x(bar.to) - x - 1);
    const y = scale.y(bar.value);
    parts.push(
      `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${w.toFixed(1)}" height="${(scale.y(0) - y).toFixed(1)}" fill="${color}"><title>${formatTick(bar.from)}-${formatTick(bar.to)}: ${bar.value}</title></rect>`,
    );
  }
  const bottom = scale.height - MARGIN.bottom;
  markers.forEach((marker, i) => {
    const x = scale.x(marker.x).toFixed(1);
    parts.push(
      `<line x1="${x}" y1="${MARGIN.top}" x2="${x}" y2="${bottom}" stroke="${marker.color}" stroke-width="1.5" stroke-dasharray="4 3"/>`,
    );
    // Labels near the right edge go on the left of their line so they stay inside the chart; a
    // white halo keeps them readable over the bars.
    const side = scale.x(marker.x) > scale.width * 0.8 ? 'dx="-4" text-anchor="end"' : 'dx="4"';
    parts.push(
      `<text x="${x}" y="${MARGIN.top + 12 + i * 13}" ${side} class="marker" fill="${marker.color}" stroke="#fff" stroke-width="3" paint-order="stroke">${escapeXml(marker.label)}</text>`,
    );
  });
  parts.push("</svg>");
  return parts.join("");
}
