import { clientIp, seeOther, subscriptionConfig } from "@/app/_server/subscriptions";
import { isDomainError } from "@/lib/errors";
import { getPage } from "@/lib/page/page";
import { getDb, systemClock } from "@/lib/runtime";
import { subscribe } from "@/lib/subscribers/subscribe";
import { wakeWorker } from "@/lib/worker/loop";
import { subscribeRetryPath } from "../retry";

/**
 * The subscribe form's POST (components/status/subscribe-form.tsx). Every
 * outcome — new, pending, active, unsubscribed, rate-limited, honeypot — gets
 * the same 303 to the same page, so the answer says nothing about the address.
 */
export async function POST(req: Request) {
  const form = await req.formData().catch(() => null);
  const text = (k: string) => (typeof form?.get(k) === "string" ? (form.get(k) as string) : "");
  try {
    const db = getDb();
    const page = await getPage(db);
    await subscribe(
      { db, now: systemClock },
      page.id,
      { email: text("email"), componentIds: (form?.getAll("component") ?? []).filter((v): v is string => typeof v === "string").slice(0, 500), honeypot: text("website"), ip: clientIp(req) },
      subscriptionConfig(),
    );
    wakeWorker();
  } catch (err) {
    // Only a bad input throws a domain error: the form comes back with it beside the field.
    if (isDomainError(err)) return seeOther(req, subscribeRetryPath("email", text("email"), form?.getAll("component") ?? []));
    console.error("[herald] subscribe failed", err);
    return new Response("Something went wrong. Please try again later.", { status: 503, headers: { "content-type": "text/plain; charset=utf-8" } });
  }
  return seeOther(req, "/subscriptions/check-email");
}
