// Which public paths exist (the snapshot server renders nothing else).
import type { Tx } from "@/db/client";
import { incident } from "@/db/schema";
import type { PathIndex } from "../snapshots/routes";
import { HISTORY_PAGE_SIZE } from "./history";
import { loadPublicPage } from "./page";
import { publicComponents, publishedIncidentOn } from "./visibility";

/** Which public paths can exist now (lib/snapshots/routes.ts existsIn): the snapshot server renders nothing else. */
export async function loadPublicIndex(db: Tx): Promise<PathIndex> {
  const p = await loadPublicPage(db);
  const incidents = new Set(
    (await db.select({ id: incident.id }).from(incident).where(publishedIncidentOn(p.id))).map((r) => r.id),
  );
  const { rows } = await publicComponents(db, p.id);
  return {
    incidents,
    components: new Set(rows.map((c) => c.id)),
    historyPages: Math.max(1, Math.ceil(incidents.size / HISTORY_PAGE_SIZE)),
  };
}
