// Which public paths exist (the snapshot server renders nothing else).
import type { Tx } from "@/db/client";
import { incident } from "@/db/schema";
import type { PathIndex } from "../snapshots/routes";
import { HISTORY_PAGE_SIZE } from "./history";
import { loadPublicPage } from "./page";
import { ANONYMOUS, publicComponents, scopeFor, visibleIncidentOn, type Viewer } from "./visibility";

/** Which public paths can exist now (lib/snapshots/routes.ts existsIn): the snapshot server renders nothing else. */
export async function loadPublicIndex(db: Tx, viewer: Viewer = ANONYMOUS): Promise<PathIndex> {
  const p = await loadPublicPage(db);
  const scope = await scopeFor(db, p.id, viewer);
  const incidents = new Set(
    (await db.select({ id: incident.id }).from(incident).where(visibleIncidentOn(scope))).map((r) => r.id),
  );
  const { rows } = await publicComponents(db, p.id, scope);
  return {
    incidents,
    components: new Set(rows.map((c) => c.id)),
    historyPages: Math.max(1, Math.ceil(incidents.size / HISTORY_PAGE_SIZE)),
  };
}
