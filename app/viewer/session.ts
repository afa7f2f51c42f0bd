import "server-only";
import { env } from "@/lib/env";
import { getPage } from "@/lib/page/page";
import { getDb } from "@/lib/runtime";
import { loadViewerSettings } from "@/lib/viewers/access";
import { OIDC_FLOW_COOKIE, OIDC_FLOW_MS, VIEWER_OIDC_CALLBACK } from "@/lib/viewers/oidc";
import {
  clearViewerCookie,
  signViewerSession,
  VIEWER_SESSION_MS,
  viewerCookie,
  type ViewerSubject,
} from "@/lib/viewers/session";
import { safeNext } from "@/lib/viewers/sign-in";

const secure = () => env().HERALD_URL?.startsWith("https://") ?? false;

/** 303 to `next` with a new viewer session for `subject`. */
export async function signedIn(
  subject: ViewerSubject,
  next: string | null | undefined,
  maxAgeMs = VIEWER_SESSION_MS,
): Promise<Response> {
  const db = getDb();
  const settings = await loadViewerSettings(db, (await getPage(db)).id);
  const value = signViewerSession(
    { subject, epoch: settings.sessionEpoch, exp: Date.now() + maxAgeMs },
    env().HERALD_SECRET,
  );
  return new Response(null, {
    status: 303,
    headers: {
      location: safeNext(next),
      "cache-control": "no-store",
      "set-cookie": viewerCookie(value, maxAgeMs, secure()),
    },
  });
}

export function signedOut(): Response {
  return new Response(null, {
    status: 303,
    headers: {
      location: "/viewer/sign-in?signed_out=1",
      "cache-control": "no-store",
      "set-cookie": clearViewerCookie(secure()),
    },
  });
}

export function tooMany(retryAfterMs: number): Response {
  return new Response("Too many sign-in attempts. Please wait and try again.", {
    status: 429,
    headers: {
      "retry-after": String(Math.ceil(retryAfterMs / 1000)),
      "content-type": "text/plain; charset=utf-8",
      "cache-control": "no-store",
    },
  });
}

/** The single sign-on flow's cookie: sent back only to the callback, for as long as a sign-in may take. */
export function oidcFlowCookie(value: string): string {
  const maxAge = Math.floor(OIDC_FLOW_MS / 1000);
  return `${OIDC_FLOW_COOKIE}=${value}; Path=${VIEWER_OIDC_CALLBACK}; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${
    secure() ? "; Secure" : ""
  }`;
}

export function clearOidcFlowCookie(): string {
  const flags = `HttpOnly; SameSite=Lax${secure() ? "; Secure" : ""}`;
  return `${OIDC_FLOW_COOKIE}=; Path=${VIEWER_OIDC_CALLBACK}; Max-Age=0; ${flags}`;
}

/** One cookie's value from a Cookie header. */
export function cookieValue(header: string | null, name: string): string | null {
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
