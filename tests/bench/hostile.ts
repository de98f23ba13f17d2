/**
 * hostile_input: what a pathological body costs the parser to refuse (deep nesting, huge arrays,
 * at and past the body limit), as a ratio to parsing a valid batch of about the same size,
 * measured in one run. A timing goal, so it lives here and not in the unit tests (which assert
 * only the status each body gets: tests/security/hostile-input.test.ts).
 */
import { ClientError } from "../../functions/core/errors";
import { type HttpRequest, parseEvents } from "../../functions/core/request";
import { LIMITS } from "../../functions/core/validate";
import { median, round } from "./stats";

export interface HostileInputResult {
  valid_batch_ms: number;
  worst_refusal_ms: number;
  worst_case: string;
  ratio: number;
  cases: { name: string; kb: number; status: number; ms: number }[];
}

const MB = 1024 * 1024;
const nearLimit = LIMITS.bodyBytes - 64;
const deepObject = (depth: number) => `{"event_type":"page_view","p":${'{"a":'.repeat(depth)}1${"}".repeat(depth)}}`;

/** The bodies the unit tests refuse, by name. */
export const HOSTILE_BODIES: Record<string, string> = {
  "1 MB deep array": "[".repeat(MB / 2) + "]".repeat(MB / 2),
  "1 MB huge array": `{"events":[${"1,".repeat(MB / 2 - 8)}1]}`,
  "1 MB deep object": deepObject(Math.floor(MB / 6)),
  "256 KB deep array": "[".repeat(nearLimit / 2) + "]".repeat(nearLimit / 2),
  "256 KB huge array": `{"events":[${"1,".repeat(nearLimit / 2 - 8)}1]}`,
  "256 KB deep object in an event": deepObject(Math.floor(nearLimit / 6)),
};

/** 100 valid events of about 2.4 KB each: the largest ordinary batch, near the body limit. */
function validBatch(): string {
  const events = Array.from({ length: LIMITS.batchMax }, (_, i) => ({
    event_type: "page_view",
    event_id: `evt_${i}`,
    timestamp: 1_764_590_400_000 + i,
    page_url: `https://shop.example.com/p/${i}`,
    referrer: `https://search.example.com/?q=${"x".repeat(1800)}`,
    properties: { sku: `A-${i}`, price: 19.9, note: "y".repeat(400) },
  }));
  return JSON.stringify({ events });
}

const request = (body: string): HttpRequest => ({
  method: "POST",
  path: "/events",
  headers: { "content-type": "application/json" },
  body,
  sourceIp: "198.51.100.23",
  requestId: "bench-hostile",
});

function statusOf(body: string): number {
  try {
    parseEvents(request(body));
    return 200;
  } catch (error) {
    if (error instanceof ClientError) return error.statusCode;
    throw error;
  }
}

function medianMs(body: string, rounds: number): number {
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    statusOf(body);
    samples.push(performance.now() - started);
  }
  return round(median(samples), 2);
}

export function hostileInput(rounds = 7): HostileInputResult {
  const valid = validBatch();
  if (statusOf(valid) !== 200) throw new Error("bench: the valid baseline batch was refused");
  const valid_batch_ms = medianMs(valid, rounds);
  const cases = Object.entries(HOSTILE_BODIES).map(([name, body]) => ({
    name,
    kb: Math.round(body.length / 1024),
    status: statusOf(body),
    ms: medianMs(body, rounds),
  }));
  const worst = cases.reduce((a, b) => (b.ms > a.ms ? b : a));
  return {
    valid_batch_ms,
    worst_refusal_ms: worst.ms,
    worst_case: worst.name,
    ratio: round(worst.ms / valid_batch_ms, 3),
    cases,
  };
}
