/**
 * Driving the collector core (handleCollect) directly, without Lambda or HTTP: deterministic
 * dependencies and a tracker-shaped POST. The bench measures through it, and tests build on it.
 */

import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { TableNames } from "../../contracts/tables";
import type { CollectorDeps } from "../../functions/core/collect";
import type { HttpRequest } from "../../functions/core/request";
import { createDocumentClient } from "../../functions/shared/clients";
import { createRng } from "./rng";

/** Deterministic ids: 00000001, 00000002, … */
export function counterHex(): () => string {
  let n = 0;
  return () => (++n).toString(16).padStart(8, "0");
}

/** The collector's dependencies over `client`, wrapped in the document client as functions/collector.ts wraps it. */
export function testDeps(client: DynamoDBClient, tables: TableNames, overrides: Partial<CollectorDeps> = {}): CollectorDeps {
  return {
    db: createDocumentClient(client),
    tables,
    retentionDays: 30,
    remainingTimeMs: () => 10_000,
    hex: counterHex(),
    random: createRng(7),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    ...overrides,
  };
}

export function postEvents(body: unknown, headers: Record<string, string> = {}): HttpRequest {
  return {
    method: "POST",
    path: "/events",
    headers: { "content-type": "application/json", "user-agent": "test-agent/1.0", ...headers },
    body: JSON.stringify(body),
    sourceIp: "198.51.100.23",
    requestId: "req-1",
  };
}

export const fixedClock = (now: number) => ({ now: () => now });
