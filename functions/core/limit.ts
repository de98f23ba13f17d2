/**
 * Bounded fan-out: `fn` over `items` with at most `limit` calls in flight, results in item order.
 * A request's session writes go through this (store.ts WRITE_CONCURRENCY), so a 100-session batch
 * keeps as many calls in flight as the DynamoDB client has sockets (functions/shared/clients.ts),
 * never hundreds queued behind them. The first failure rejects; calls already started finish.
 */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
