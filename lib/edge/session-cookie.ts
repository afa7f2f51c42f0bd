// A session cookie's signature, checked without the database. better-auth
// signs the session token it sets: encodeURIComponent(`${token}.${base64
// HMAC-SHA256(secret, token)}`). A cookie that fails this check was not issued
// by this installation (forged, or signed with another secret), so the edge can
// treat the request as anonymous without asking the database; one that passes
// is still checked in full by better-auth behind it.
import { createHmac, timingSafeEqual } from "node:crypto";
import { SESSION_COOKIE_MARKER } from "../auth/cookie-names";

/** The value of the session cookie (plain or `__Secure-` prefixed), or null. */
function sessionCookie(header: string | undefined): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    const name = part.slice(0, eq).trim();
    if (name === SESSION_COOKIE_MARKER || name === `__Secure-${SESSION_COOKIE_MARKER}`)
      return part.slice(eq + 1).trim();
  }
  return null;
}

export function hasSignedSessionCookie(cookieHeader: string | undefined, secret: string): boolean {
  const raw = sessionCookie(cookieHeader);
  if (!raw || raw.length > 512) return false;
  let value: string;
  try {
    value = decodeURIComponent(raw);
  } catch {
    return false;
  }
  const dot = value.lastIndexOf(".");
  if (dot <= 0) return false;
  const given = Buffer.from(value.slice(dot + 1), "base64");
  const expected = createHmac("sha256", secret).update(value.slice(0, dot)).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}
