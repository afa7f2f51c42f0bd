// Which addresses an outbound request to a user-given URL may reach (DESIGN.md §8,
// issue 12 §4). Default deny: only global unicast is allowed; everything with a
// special purpose (loopback, RFC 1918, link-local incl. 169.254.169.254 cloud
// metadata, CGNAT incl. 100.100.100.200, multicast, unspecified, broadcast,
// reserved/documentation, IPv6 unique-local incl. fd00:ec2::254, NAT64/6to4/Teredo
// which can embed an IPv4 target) is refused. IPv4-mapped IPv6 is judged as IPv4.
import ipaddr from "ipaddr.js";

export type AddressClass = "allowed" | "invalid" | string;

/**
 * The range name of an address as ipaddr.js knows it ("loopback", "private",
 * "linkLocal", "carrierGradeNat", "uniqueLocal", …), "allowed" for global
 * unicast, "invalid" for something that is not an address.
 */
export function classifyAddress(ip: string): AddressClass {
  const text = ip.trim().replace(/^\[|\]$/g, "");
  if (!ipaddr.isValid(text)) return "invalid";
  // "::ffff:127.0.0.1" and "::ffff:7f00:1" → IPv4 127.0.0.1.
  const addr = ipaddr.process(text.split("%")[0]);
  const range = addr.range();
  if (range !== "unicast") return range;
  // ::/96 (IPv4-compatible, deprecated) is not special to ipaddr.js; never a legitimate target.
  if (addr.kind() === "ipv6" && (addr as ipaddr.IPv6).parts.slice(0, 6).every((p) => p === 0)) return "ipv4Compatible";
  return "allowed";
}

/** True when an outbound request to a user-given URL must not connect to `ip`. */
export function isForbiddenAddress(ip: string): boolean {
  return classifyAddress(ip) !== "allowed";
}
