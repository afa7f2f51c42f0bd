// Values signed with HERALD_SECRET for one purpose: `<base64url JSON>.<base64url HMAC-SHA256>`. The viewer's
// session cookie and the single sign-on flow cookie are both this shape; the purpose keeps one from passing as
// the other.
import { createHmac, timingSafeEqual } from "node:crypto";

const mac = (purpose: string, secret: string, payload: string) =>
  createHmac("sha256", secret).update(`${purpose}:${payload}`).digest();

export function signJson(purpose: string, value: unknown, secret: string): string {
  const payload = Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${payload}.${mac(purpose, secret, payload).toString("base64url")}`;
}

/** What a signed value carries, when it is at most `maxLength` long and signed by this install for `purpose`. */
export function readSignedJson(purpose: string, value: string, secret: string, maxLength: number): unknown {
  if (value.length > maxLength) return null;
  const dot = value.indexOf(".");
  if (dot <= 0) return null;
  const payload = value.slice(0, dot);
  // The signature as written, against its one encoding: decoded, several strings would pass for it (base64url's
  // unused last bits, skipped characters), so a changed cookie could still read as the signed one.
  const given = Buffer.from(value.slice(dot + 1));
  const expected = Buffer.from(mac(purpose, secret, payload).toString("base64url"));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    return JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return null;
  }
}
