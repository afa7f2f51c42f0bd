import { seeOther } from "@/app/_server/subscriptions";
import { getPage } from "@/lib/page/page";
import { getDb, systemClock } from "@/lib/runtime";
import { updatePreferencesByToken } from "@/lib/subscribers/subscribe";

/** Saves the manage page's component choice (none ticked = everything). */
export async function POST(req: Request) {
  const form = await req.formData().catch(() => null);
  const db = getDb();
  const ids = (form?.getAll("component") ?? []).filter((v): v is string => typeof v === "string").slice(0, 500);
  const ok = await updatePreferencesByToken({ db, now: systemClock }, (await getPage(db)).id, form?.get("token"), ids);
  return seeOther(req, `/subscriptions/done?what=${ok ? "saved" : "invalid"}`);
}
