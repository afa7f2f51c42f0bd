// The one decision of who the client is, for every limiter (better-auth's
// sign-in limits and Herald's own). DESIGN.md §8: the socket's address unless
// HERALD_TRUSTED_PROXIES says a proxy in front sets X-Forwarded-For, and then
// the hop that proxy appended — never the left-most value a client can write.
import { BlockList, isIP } from "node:net";

export type TrustedProxies =
  | { kind: "none" }
  /** This many proxies in front of Herald, each appending the address it saw. */
  | { kind: "hops"; hops: number }
  /** Peers in these ranges are proxies; the first address from the right outside them is the client. */
  | { kind: "cidrs"; list: BlockList; text: string };

/** The header the edge sets (overwriting whatever a client sent) for route handlers and better-auth. */
export const CLIENT_IP_HEADER = "x-herald-client-ip";

/**
 * Parses HERALD_TRUSTED_PROXIES: empty/"0" (none), a hop count ("1"), or CIDRs/addresses ("10.0.0.0/8, 2001:db8::/32").
 */
export function parseTrustedProxies(value: string | undefined): TrustedProxies {
  const v = (value ?? "").trim();
  if (!v || v === "0") return { kind: "none" };
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    if (hops > 10) throw new Error(`HERALD_TRUSTED_PROXIES: ${hops} hops is not plausible (at most 10)`);
    return { kind: "hops", hops };
  }
  const list = new BlockList();
  for (const part of v
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [addr, bits, extra] = part.split("/");
    const family = isIP(addr);
    const prefix = bits === undefined ? (family === 6 ? 128 : 32) : Number(bits);
    if (!family || extra !== undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 6 ? 128 : 32))
      throw new Error(`HERALD_TRUSTED_PROXIES: "${part}" is neither a hop count nor an address or CIDR range`);
    list.addSubnet(addr, prefix, family === 6 ? "ipv6" : "ipv4");
  }
  return { kind: "cidrs", list, text: v };
}

/** For the start-up log. */
export function describeTrust(t: TrustedProxies): string {
  if (t.kind === "none")
    return (
      "client addresses: the connection's own address (X-Forwarded-For and X-Real-IP are ignored; set " +
      "HERALD_TRUSTED_PROXIES behind a proxy)"
    );
  if (t.kind === "hops")
    return `client addresses: ${t.hops} trusted proxy hop(s) — the X-Forwarded-For entry ${t.hops} from the right`;
  return (
    `client addresses: X-Forwarded-For through proxies in ${t.text} — the first address from the right outside ` +
    `them`
  );
}

/** "::ffff:192.0.2.1" → "192.0.2.1"; anything that is not an address → null. */
function normalize(addr: string | undefined): string | null {
  if (!addr) return null;
  const a = addr.trim().toLowerCase();
  const mapped = a.startsWith("::ffff:") ? a.slice(7) : a;
  if (isIP(mapped)) return mapped;
  return isIP(a) ? a : null;
}

function contains(list: BlockList, addr: string): boolean {
  return list.check(addr, isIP(addr) === 6 ? "ipv6" : "ipv4");
}

/**
 * The client's address for a request: `remote` is the socket's peer. Headers
 * count only when HERALD_TRUSTED_PROXIES says a proxy sets them; entries a
 * client could have written (left of the trusted hops) are never used.
 */
export function clientAddress(
  remote: string | undefined,
  forwardedFor: string | string[] | undefined,
  realIp: string | string[] | undefined,
  trust: TrustedProxies,
): string {
  const peer = normalize(remote) ?? "unknown";
  if (trust.kind === "none") return peer;
  // Several X-Forwarded-For headers are one list, in order.
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : (forwardedFor ?? ""))
    .split(",")
    .map((h) => h.trim())
    .filter(Boolean);
  const real = normalize(Array.isArray(realIp) ? realIp[realIp.length - 1] : realIp);
  if (trust.kind === "hops") {
    if (!hops.length) return real ?? peer;
    // The nearest proxy appended the address it saw last; each further trusted proxy one more to the left.
    return normalize(hops[Math.max(0, hops.length - trust.hops)]) ?? peer;
  }
  if (!contains(trust.list, peer)) return peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const h = normalize(hops[i]);
    if (!h) return peer;
    if (!contains(trust.list, h)) return h;
  }
  return (real && !contains(trust.list, real) ? real : normalize(hops[0])) ?? peer;
}
