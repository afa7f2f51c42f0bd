import "server-only";
import type { PublicCtx } from "@/lib/context";
import { isDomainError } from "@/lib/errors";
import { getPage } from "@/lib/page/page";
import { getDb, systemClock } from "@/lib/runtime";
import { wakeWorker } from "@/lib/worker/wake";
import { clientIp, seeOther } from "./subscriptions";

// The public form routes' wrapper (as API routes have apiRoute and console
// actions runAction): reads the form (the edge already caps the body), hands
// the handler a context, and answers 303. A domain error goes to the route's
// error page; anything else is logged and answered with a plain 503, never
// with err.message. Handlers stay a few lines: read fields, call one lib use
// case, say where to go.

/** The most values read from a repeated field. */
const MAX_VALUES = 500;

export interface FormCall {
  request: Request;
  /** The form as sent; null when the body is not a form. */
  form: FormData | null;
  /** A field's string value, "" when missing. */
  text: (key: string) => string;
  /** A repeated field's string values (at most 500). */
  all: (key: string) => string[];
  ctx: PublicCtx;
  pageId: string;
  /** The client address, as the edge decided it. */
  ip: string;
}

export interface FormRouteOptions {
  /** Named in the log line of an unexpected failure. */
  name: string;
  /** Where a domain error (bad input) sends the visitor. */
  invalid: (call: FormCall) => string;
}

/** The handler returns the path to 303 to, or (rarely) a complete response. */
export function formRoute(options: FormRouteOptions, handler: (call: FormCall) => Promise<string | Response>) {
  return async (request: Request): Promise<Response> => {
    const form = await request.formData().catch(() => null);
    const all = (key: string) =>
      (form?.getAll(key) ?? []).filter((v): v is string => typeof v === "string").slice(0, MAX_VALUES);
    let call: FormCall | undefined;
    try {
      const db = getDb();
      call = {
        request,
        form,
        text: (key) => {
          const v = form?.get(key);
          return typeof v === "string" ? v : "";
        },
        all,
        ctx: { db, now: systemClock },
        pageId: (await getPage(db)).id,
        ip: clientIp(request),
      };
      const answer = await handler(call);
      // A subscription may have queued email: the in-process worker sends it now.
      wakeWorker();
      return typeof answer === "string" ? seeOther(request, answer) : answer;
    } catch (err) {
      if (call && isDomainError(err)) return seeOther(request, options.invalid(call));
      console.error(`[herald] ${options.name} failed`, err);
      return new Response("Something went wrong. Please try again later.", {
        status: 503,
        headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
      });
    }
  };
}
