// Viewer sessions (issue 13): an HMAC-signed cookie checked without the
// database, so a signed-in viewer's request is answered from the snapshots
// like an anonymous one. The cookie names who signed in (an email, the page
// password, or a staff "view as audience" preview) and is bound to the
// page's session epoch: changing the password signs everyone out.

import { readSignedJson, signJson } from "./signed";
export const VIEWER_COOKIE = "herald_viewer";
/** How long a viewer stays signed in. */
export const VIEWER_SESSION_MS = 7 * 24 * 60 * 60 * 1000;
/** A staff preview ("view as audience") lasts an hour. */
export const PREVIEW_SESSION_MS = 60 * 60 * 1000;

export type ViewerSubject =
  | { kind: "email"; email: string }
  | { kind: "password" }
  | { kind: "preview"; audienceId: string };

export interface ViewerSession {
  subject: ViewerSubject;
  /** viewer_settings.session_epoch when it was issued. */
  epoch: number;
  /** Expiry, ms since the epoch. */
  exp: number;
}

export function signViewerSession(s: ViewerSession, secret: string): string {
  return signJson("viewer", s, secret);
}

/** The cookie's value from a Cookie header, or null. */
export function viewerCookieValue(header: string | undefined): string | null {
  if (!header) return null;
  const at = header.indexOf(`${VIEWER_COOKIE}=`);
  if (at === -1) return null;
  if (at > 0 && header[at - 1] !== " " && header[at - 1] !== ";") return null;
  const start = at + VIEWER_COOKIE.length + 1;
  const end = header.indexOf(";", start);
  return header.slice(start, end === -1 ? undefined : end).trim();
}

// Verified values, so a viewer's repeat requests cost a map lookup (bounded; cleared when full).
const verified = new Map<string, ViewerSession | null>();
const MAX_REMEMBERED = 10_000;

function verify(value: string, secret: string): ViewerSession | null {
  const s = readSignedJson("viewer", value, secret, 1024) as ViewerSession | null;
  return typeof s?.exp === "number" && typeof s.epoch === "number" && typeof s.subject?.kind === "string" ? s : null;
}

/** The session a Cookie header carries, when its signature is this installation's and it has not expired. */
export function readViewerSession(header: string | undefined, secret: string, now: number): ViewerSession | null {
  const value = viewerCookieValue(header);
  if (!value) return null;
  const id = `${secret.length}:${value}`;
  let s = verified.get(id);
  if (s === undefined) {
    s = verify(value, secret);
    if (verified.size >= MAX_REMEMBERED) verified.clear();
    verified.set(id, s);
  }
  return s && s.exp > now ? s : null;
}

/** Set-Cookie for a new session (HttpOnly, SameSite=Lax, Secure on https). */
export function viewerCookie(value: string, maxAgeMs: number, secure: boolean): string {
  const maxAge = Math.floor(maxAgeMs / 1000);
  return `${VIEWER_COOKIE}=${value}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
}

export function clearViewerCookie(secure: boolean): string {
  return `${VIEWER_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
}
