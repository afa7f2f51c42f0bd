import { clientIp, seeOther, subscriptionConfig } from "@/app/_server/subscriptions";
import { isDomainError } from "@/lib/errors";
import { getPage } from "@/lib/page/page";
import { getDb, systemClock } from "@/lib/runtime";
import { followIncident } from "@/lib/subscribers/subscribe";
import { wakeWorker } from "@/lib/worker/loop";

/**
 * The "follow this incident" form's POST (components/status/follow-form.tsx).
 * Like /subscriptions/new: every outcome gets the same 303 to the same page.
 */
export async function POST(req: Request) {
  const form = await req.formData().catch(() => null);
  const text = (k: string) => (typeof form?.get(k) === "string" ? (form.get(k) as string) : "");
  try {
    const db = getDb();
    const page = await getPage(db);
    await followIncident({ db, now: systemClock }, page.id, { email: text("email"), incidentId: text("incident"), honeypot: text("website"), ip: clientIp(req) }, subscriptionConfig());
    wakeWorker();
  } catch (err) {
    if (isDomainError(err)) return seeOther(req, "/subscriptions/check-email?invalid=1");
    console.error("[herald] follow failed", err);
    return new Response("Something went wrong. Please try again later.", { status: 503, headers: { "content-type": "text/plain; charset=utf-8" } });
  }
  return seeOther(req, "/subscriptions/check-email");
}
