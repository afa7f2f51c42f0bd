import { privatePageRefusal, renderViewer } from "@/app/_server/viewer";
import { env } from "@/lib/env";
import { loadMaintenanceCalendar } from "@/lib/public/calendar";
import { buildMaintenanceCalendar, ICS_CONTENT_TYPE } from "@/lib/public/calendar-ics";
import { publicBaseUrl } from "@/lib/public/page";
import { getDb } from "@/lib/runtime";

export const dynamic = "force-dynamic";

export async function GET() {
  const viewer = await renderViewer();
  if (!viewer) return privatePageRefusal();
  const { page, events } = await loadMaintenanceCalendar(getDb(), viewer);
  const body = buildMaintenanceCalendar({ page, events, baseUrl: publicBaseUrl(page, env().HERALD_URL) });
  return new Response(body, { headers: { "content-type": ICS_CONTENT_TYPE, "cache-control": "no-store" } });
}
