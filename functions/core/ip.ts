import { isIPv4, isIPv6 } from "node:net";

/**
 * The client address as stored: only its network (/24 for IPv4, /48 for IPv6), never the full IP.
 * Source: first `X-Forwarded-For` hop, else the connection's source IP. Unparseable → undefined.
 */
export function clientIpPrefix(forwardedFor: string | undefined, sourceIp: string | undefined): string | undefined {
  const firstHop = forwardedFor?.split(",")[0]?.trim();
  const candidate = firstHop || sourceIp?.trim();
  return candidate ? ipPrefix(candidate) : undefined;
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
