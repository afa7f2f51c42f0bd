import "server-only";
import { env } from "@/lib/env";
import { getPage } from "@/lib/page/page";
import { getDb } from "@/lib/runtime";
import { loadViewerSettings } from "@/lib/viewers/access";
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
