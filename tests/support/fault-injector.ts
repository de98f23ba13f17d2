/**
 * A fault injector around a real DynamoDB client. Faults are added as middleware, so they travel the same path as real failures: throttling and 5xx are injected inside the SDK's retry loop
 * (the SDK retries them per AWS_MAX_ATTEMPTS), unprocessed items are really not written, slow
 * responses really hold the call. Seeded, so a failing run can be replayed.
 */
import {
  type BatchWriteItemCommandInput,
  type BatchWriteItemCommandOutput,
  type DynamoDBClient,
  GetItemCommand,
  InternalServerError,
  ProvisionedThroughputExceededException,
  type WriteRequest,
} from "@aws-sdk/client-dynamodb";
import { createRng } from "../../scripts/lib/rng";

export interface FaultPlan {
  seed?: number;
  /** Commands the faults apply to, e.g. ["UpdateItemCommand"]; all when absent. */
  commands?: string[];
  /** Per attempt (inside SDK retries): probability of a ProvisionedThroughputExceededException. */
  throttleRate?: number;
  /** Per attempt: probability of a 500 InternalServerError. */
  serverErrorRate?: number;
  /** Per BatchWriteItem item: probability it comes back in UnprocessedItems, unwritten. */
  unprocessedRate?: number;
  /** Extra latency per attempt, in ms. */
  delayMs?: number;
  /** Per call: probability the write is applied and then the call fails (response lost). */
  failAfterWriteRate?: number;
}

export interface FaultStats {
  calls: Record<string, number>;
  attempts: Record<string, number>;
  throttled: number;
  serverErrors: number;
  unprocessedItems: number;
  failedAfterWrite: number;
  delayed: number;
}

const meta = (httpStatusCode: number) => ({ $metadata: { httpStatusCode, attempts: 1, totalRetryDelay: 0 } });
const bump = (counts: Record<string, number>, key: string) => (counts[key] = (counts[key] ?? 0) + 1);

function splitUnprocessed(input: BatchWriteItemCommandInput, rate: number, random: () => number) {
  const kept: Record<string, WriteRequest[]> = {};
  const held: Record<string, WriteRequest[]> = {};
  for (const [table, requests] of Object.entries(input.RequestItems ?? {})) {
    for (const r of requests) {
      const into = random() < rate ? held : kept;
      into[table] ??= [];
      into[table].push(r);
    }
  }
  return { kept, held, heldCount: Object.values(held).reduce((n, l) => n + l.length, 0) };
}

/** Adds the plan's faults to `client` (mutates its middleware stack) and returns live stats. */
export function injectFaults(client: DynamoDBClient, plan: FaultPlan): FaultStats {
  const random = createRng(plan.seed ?? 1);
  const stats: FaultStats = {
    calls: {},
    attempts: {},
    throttled: 0,
    serverErrors: 0,
    unprocessedItems: 0,
    failedAfterWrite: 0,
    delayed: 0,
  };
  const applies = (name: string) => !plan.commands || plan.commands.includes(name);

  // Once per send(): counts calls, holds back unprocessed items, loses responses after the write.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName as string;
      bump(stats.calls, name);
      if (!applies(name)) return next(args);
      const input = args.input as BatchWriteItemCommandInput;
      if (name === "BatchWriteItemCommand" && plan.unprocessedRate) {
        const { kept, held, heldCount } = splitUnprocessed(input, plan.unprocessedRate, random);
        stats.unprocessedItems += heldCount;
        const out = (
          Object.keys(kept).length
            ? await next({ ...args, input: { ...input, RequestItems: kept } })
            : { output: { ...meta(200), UnprocessedItems: {} }, response: {} }
        ) as { output: BatchWriteItemCommandOutput; response: unknown };
        const unprocessed = { ...(out.output.UnprocessedItems ?? {}) };
        for (const [table, list] of Object.entries(held)) unprocessed[table] = [...(unprocessed[table] ?? []), ...list];
        return { ...out, output: { ...out.output, UnprocessedItems: unprocessed } } as never;
      }
      const result = await next(args);
      if (plan.failAfterWriteRate && random() < plan.failAfterWriteRate) {
        stats.failedAfterWrite++;
        throw new InternalServerError({ message: "Injected: write applied, response lost", ...meta(500) });
      }
      return result;
    },
    { step: "initialize", name: "faultInjectorCall", override: true },
  );

  // Once per attempt, inside the SDK's retry loop.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName as string;
      bump(stats.attempts, name);
      if (!applies(name)) return next(args);
      if (plan.delayMs) {
        stats.delayed++;
        await new Promise((r) => setTimeout(r, plan.delayMs));
      }
      if (plan.throttleRate && random() < plan.throttleRate) {
        stats.throttled++;
        throw new ProvisionedThroughputExceededException({ message: "Injected throttling", ...meta(400) });
      }
      if (plan.serverErrorRate && random() < plan.serverErrorRate) {
        stats.serverErrors++;
        throw new InternalServerError({ message: "Injected 500", ...meta(500) });
      }
      return next(args);
    },
    { step: "deserialize", name: "faultInjectorAttempt", override: true },
  );
  return stats;
}

/**
 * Makes a dynalite-backed client answer a failed condition the way DynamoDB does when the write
 * sets ReturnValuesOnConditionCheckFailure to ALL_OLD: the ConditionalCheckFailedException carries
 * the item as it was (UpdateItem / PutItem API references, "ReturnValuesOnConditionCheckFailure";
 * Developer Guide, "Condition expressions"). dynalite ignores the parameter, so the item is read
 * with a separate client and attached. Counts how many failures it answered.
 */
export function returnItemOnConditionFailure(client: DynamoDBClient, reader: DynamoDBClient): { attached: number } {
  const stats = { attached: 0 };
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        const input = args.input as {
          TableName: string;
          Key?: Record<string, unknown>;
          Item?: Record<string, { S?: string }>;
          ReturnValuesOnConditionCheckFailure?: string;
        };
        if (
          !(error instanceof Error) ||
          error.name !== "ConditionalCheckFailedException" ||
          input.ReturnValuesOnConditionCheckFailure !== "ALL_OLD"
        )
          throw error;
        const key =
          input.Key ??
          (input.Item!.event_key
            ? { session_id: input.Item!.session_id, event_key: input.Item!.event_key }
            : { session_id: input.Item!.session_id });
        const out = await reader.send(new GetItemCommand({ TableName: input.TableName, Key: key as never, ConsistentRead: true }));
        stats.attached++;
        throw Object.assign(error, { Item: out.Item });
      }
    },
    // After serialization: the input is in wire form (AttributeValues) whether a plain or a document client sent it.
    { step: "build", name: "awsConditionFailureItem", override: true },
  );
  return stats;
}
