import { seeOther } from "@/app/_server/subscriptions";
import { getPage } from "@/lib/page/page";
import { getDb, systemClock } from "@/lib/runtime";
import { setPausedByToken } from "@/lib/subscribers/subscribe";

/** The manage page's Pause / Resume buttons (`paused` = "1" pauses, anything else resumes). */
export async function POST(req: Request) {
  const form = await req.formData().catch(() => null);
  const paused = form?.get("paused") === "1";
  const db = getDb();
  const ok = await setPausedByToken({ db, now: systemClock }, (await getPage(db)).id, form?.get("token"), paused);
  return seeOther(req, `/subscriptions/done?what=${ok ? (paused ? "paused" : "resumed") : "invalid"}`);
}
