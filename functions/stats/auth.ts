/**
 * Bearer-key check of every /stats and /dashboard request. The compare hashes both sides first, so
 * timingSafeEqual always sees 32 bytes: neither the key's length nor where it differs shows in the
 * time taken. The key comes from a source with a short cache (Secrets Manager on AWS, a file in
 * local mode), so a rotated key is picked up within `cacheMs` without a new container.
 */
import { createHash, timingSafeEqual } from "node:crypto";

/** How long a read key is trusted before the source is read again (rotation shows within this). */
export const KEY_CACHE_MS = 60_000;
/** Shortest key accepted from a source: generated keys are 43 characters (32 random bytes, base64url). */
export const MIN_KEY_LENGTH = 32;

const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();

/** The token of `Authorization: Bearer <token>` (scheme case-insensitive, RFC 6750 §2.1), else undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer[ ]+([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(header ?? "");
  return match?.[1];
}

export function keysMatch(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

export type KeySource = () => Promise<string>;

/** Caches a source's key for `cacheMs`; a failed read is not cached (the next request tries again). */
export function cachedKey(read: KeySource, clock: { now(): number }, cacheMs = KEY_CACHE_MS): KeySource {
  let cached: { key: string; until: number } | undefined;
  return async () => {
    if (cached && clock.now() < cached.until) return cached.key;
    const key = (await read()).trim();
    if (key.length < MIN_KEY_LENGTH) throw new Error(`the stats key from its source is shorter than ${MIN_KEY_LENGTH} characters`);
    cached = { key, until: clock.now() + cacheMs };
    return key;
  };
}
