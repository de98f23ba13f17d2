import { isIPv4, isIPv6 } from "node:net";

/**
 * The client's address (docs/api.md). API Gateway's `requestContext.http.sourceIp` is the peer of the
 * TCP connection it terminated, so it cannot be forged. `X-Forwarded-For` is whatever the client
 * (and each proxy after it) wrote: every proxy *appends* the address it saw, so only the entries
 * that trusted proxies appended are believable. With `trustedProxyHops` = N (e.g. 1 for
 * CloudFront in front of the API), the N right-most addresses of `X-Forwarded-For + sourceIp`
 * are trusted proxies and the client is the address just left of them. Anything a client could
 * prepend lies further left and is never read.
 *
 * Returns undefined (no ip_prefix stored) when the chain is shorter than the trusted hops or the
 * chosen entry is not an IP address: a garbage header must never become a stored prefix, and
 * falling back to sourceIp would store the proxy's network as the visitor's.
 */
export function resolveClientIp(
  sourceIp: string | undefined,
  forwardedFor: string | undefined,
  trustedProxyHops: number,
): string | undefined {
  const source = sourceIp?.trim() || undefined;
  if (trustedProxyHops <= 0) return source && normaliseIp(source);
  if (!source) return undefined;
  const chain = [...(forwardedFor ?? "").split(",").map((entry) => entry.trim()), source];
  const index = chain.length - 1 - trustedProxyHops;
  return index >= 0 ? normaliseIp(chain[index]) : undefined;
}

/**
 * One `X-Forwarded-For` entry as an address: some proxies append a port (`203.0.113.7:5123`,
 * `[2001:db8::1]:443`), which is dropped; anything that is not then an IP yields undefined.
 */
export function normaliseIp(entry: string): string | undefined {
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(entry);
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(entry);
  const candidate = bracketed?.[1] ?? v4WithPort?.[1] ?? entry;
  return isIPv4(candidate) || isIPv6(candidate) ? candidate : undefined;
}

/**
 * The client address as stored: only its network (/24 for IPv4, /48 for IPv6), never the full IP.
 * `sourceIp` is the already resolved client address (see resolveClientIp; the request adapter
 * resolves it, knowing the stack's trusted proxy hops). `X-Forwarded-For` is read here only when
 * `trustedProxyHops` > 0 is passed too; by default it is ignored, so a forged header is harmless.
 */
export function clientIpPrefix(sourceIp: string | undefined, forwardedFor?: string, trustedProxyHops = 0): string | undefined {
  const ip = resolveClientIp(sourceIp, forwardedFor, trustedProxyHops);
  return ip ? ipPrefix(ip) : undefined;
}

export function ipPrefix(ip: string): string | undefined {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return ipPrefix(mapped[1]);
  if (isIPv4(ip)) {
    const [a, b, c] = ip.split(".").map(Number);
    return `${a}.${b}.${c}.0/24`;
  }
  if (isIPv6(ip)) return ipv6Prefix48(ip.split("%")[0]);
  return undefined;
}

function ipv6Prefix48(ip: string): string {
  const [head, tail] = ip.includes("::") ? ip.split("::") : [ip, undefined];
  const headGroups = head ? head.split(":") : [];
  const groups = tail === undefined ? headGroups : headGroups.concat(Array(8).fill("0"));
  const first3 = groups.slice(0, 3).map((g) => parseInt(g || "0", 16));
  while (first3.length && first3[first3.length - 1] === 0) first3.pop();
  return `${first3.map((g) => g.toString(16)).join(":")}::/48`;
}
