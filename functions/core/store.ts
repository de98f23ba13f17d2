import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import {
  BatchGetCommand,
  BatchWriteCommand,
  type BatchWriteCommandInput,
  type DynamoDBDocumentClient,
  GetCommand,
  type NativeAttributeValue,
  type PutCommand,
  type UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { StorageUnavailableError } from "./errors";
import { LIMITS } from "./validate";

/** The one method of the document client the core uses (faults are injected under it, on the wrapped client). */
export type DynamoSender = Pick<DynamoDBDocumentClient, "send">;

/** An item as lib-dynamodb takes and returns it: plain values, user-supplied numbers as NumberValue. */
export type Item = Record<string, NativeAttributeValue>;

type WriteRequest = NonNullable<BatchWriteCommandInput["RequestItems"]>[string][number];

/** Time the request may still spend on storage, with the abort signal that enforces it. */
export interface Budget {
  deadline: number;
  signal: AbortSignal;
  now(): number;
  sleep(ms: number): Promise<void>;
  random(): number;
}

export const BATCH_SIZE = 25; // BatchWriteItem limit
const BATCH_GET_SIZE = 100; // BatchGetItem limit
/**
 * No attempt of a request spends longer than this on storage (the budget's abort signal ends every
 * call). API Gateway's integration timeout is 30 s and cannot be raised, so no answer can come
 * later anyway; pins.ts relies on it: two attempts further apart cannot overlap.
 */
export const MAX_ATTEMPT_MS = 30_000;

/**
 * Conditional writes (session updates, realtime moves, pins) one request keeps in flight at most; its
 * event batches (at most 4: 100 events / 25) come on top. The client's sockets are sized to the
 * sum (functions/shared/clients.ts), so on Lambda (one request per container) no call waits for
 * a socket.
 */
export const WRITE_CONCURRENCY = 25;
export const MAX_CALLS_IN_FLIGHT = WRITE_CONCURRENCY + Math.ceil(LIMITS.batchMax / BATCH_SIZE);
const BACKOFF_BASE_MS = 25;
const BACKOFF_CAP_MS = 1_000;

/** Capped exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"). */
export function backoffDelay(attempt: number, random: () => number): number {
  return Math.floor(random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt));
}

export function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** One BatchWriteItem chunk, retrying UnprocessedItems until done or the budget would be overrun. */
async function writeChunk(db: DynamoSender, table: string, requests: WriteRequest[], budget: Budget): Promise<number> {
  let pending = requests;
  for (let attempt = 0; ; attempt++) {
    const out = await db.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }), { abortSignal: budget.signal });
    pending = out.UnprocessedItems?.[table] ?? [];
    if (pending.length === 0) return attempt;
    const delay = backoffDelay(attempt + 1, budget.random);
    if (budget.now() + delay >= budget.deadline)
      throw new StorageUnavailableError(
        `${pending.length} of ${requests.length} items still unprocessed in ${table} after ${attempt + 1} attempts`,
      );
    await budget.sleep(delay);
  }
}

/** Writes every request, 25 per BatchWriteItem, all chunks concurrently. Resolves with retry rounds used. */
export async function batchWriteAll(db: DynamoSender, table: string, requests: WriteRequest[], budget: Budget): Promise<number> {
  const rounds = await Promise.all(chunk(requests, BATCH_SIZE).map((c) => writeChunk(db, table, c, budget)));
  return rounds.reduce((a, b) => a + b, 0);
}

/** Strongly consistent BatchGetItem of `keys` (100 per call, UnprocessedKeys retried with backoff); the items found. */
export async function batchGetAll(db: DynamoSender, table: string, keys: Item[], budget: Budget): Promise<Item[]> {
  const found: Item[] = [];
  await Promise.all(
    chunk(keys, BATCH_GET_SIZE).map(async (part) => {
      let pending: Item[] = part;
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > 0) {
          const delay = backoffDelay(attempt, budget.random);
          if (budget.now() + delay >= budget.deadline)
            throw new StorageUnavailableError(`${pending.length} keys of ${table} still unprocessed after ${attempt} reads`);
          await budget.sleep(delay);
        }
        const out = await db.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }), {
          abortSignal: budget.signal,
        });
        found.push(...(out.Responses?.[table] ?? []));
        pending = out.UnprocessedKeys?.[table]?.Keys ?? [];
      }
    }),
  );
  return found;
}

/** `attributes`: what the write's ReturnValues asked for (ALL_NEW for the Sessions updates). */
export type WriteOutcome = { applied: true; attributes?: Item } | { applied: false; stored?: Item };

const isConditionFailure = (error: unknown): error is Error & { Item?: Record<string, AttributeValue> } =>
  error instanceof Error && error.name === "ConditionalCheckFailedException";

/**
 * Runs a conditional write. A failed condition resolves with the item as stored, so the caller
 * can decide again and issue another conditional write (never a blind one):
 * - DynamoDB returns the item with the exception when the write asks for it
 *   (ReturnValuesOnConditionCheckFailure: "ALL_OLD"; UpdateItem and PutItem API references);
 * - dynalite (local mode, tests) ignores that parameter, so when the exception carries no item it
 *   is read with a strongly consistent GetItem. On AWS that read happens only when the item does
 *   not exist, where it returns nothing, as the exception did.
 */
export async function conditionalWrite(
  db: DynamoSender,
  command: UpdateCommand | PutCommand,
  budget: Budget,
  options: { readOnFailure: boolean } = { readOnFailure: true },
): Promise<WriteOutcome> {
  try {
    const out = await db.send(command as UpdateCommand, { abortSignal: budget.signal });
    return { applied: true, attributes: out.Attributes };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    // lib-dynamodb unmarshalls outputs, not exceptions: the item that comes with one is raw.
    if (error.Item || !options.readOnFailure) return { applied: false, stored: error.Item && unmarshall(error.Item) };
    const input = command.input as { TableName: string; Key?: Item; Item?: Item };
    const key = input.Key ?? keyOf(input.Item!);
    const out = await db.send(new GetCommand({ TableName: input.TableName, Key: key, ConsistentRead: true }), {
      abortSignal: budget.signal,
    });
    return { applied: false, stored: out.Item };
  }
}

/** The primary key of a put item: every table here is keyed by session_id (+ event_key on Events). */
function keyOf(item: Item): Item {
  return item.event_key ? { session_id: item.session_id, event_key: item.event_key } : { session_id: item.session_id };
}
