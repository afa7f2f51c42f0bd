import { seeOther } from "@/app/_server/subscriptions";
import { getPage } from "@/lib/page/page";
import { getDb, systemClock } from "@/lib/runtime";
import { confirmSubscription } from "@/lib/subscribers/subscribe";

/** The confirm page's button. GET never confirms (mail scanners follow links). */
export async function POST(req: Request) {
  const form = await req.formData().catch(() => null);
  const db = getDb();
  const ok = await confirmSubscription({ db, now: systemClock }, (await getPage(db)).id, form?.get("token"));
  return seeOther(req, `/subscriptions/done?what=${ok ? "confirmed" : "invalid"}`);
}
