export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs `work(i)` for i in [0, total) with at most `inFlight` running at once. */
export async function runPool(total: number, inFlight: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < total) await work(next++);
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

/** `n` rounded to `digits` decimals, as the figures are reported. */
export const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

export const log = (message: string) => process.stderr.write(`bench: ${message}\n`);
