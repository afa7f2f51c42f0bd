// Which public paths exist (the snapshot server renders nothing else).
import { sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { incident } from "@/db/schema";
import type { PathIndex } from "../snapshots/routes";
import { historyRangeIn } from "./history";
import { loadPublicPage } from "./page";
import { ANONYMOUS, publicComponents, scopeFor, visibleIncidentOn, type Viewer } from "./visibility";

/** Which public paths can exist now (lib/snapshots/routes.ts existsIn): the snapshot server renders nothing else. */
export async function loadPublicIndex(db: Tx, viewer: Viewer = ANONYMOUS): Promise<PathIndex> {
  const p = await loadPublicPage(db);
  const scope = await scopeFor(db, p.id, viewer);
  // One row holding every id: ten years of incidents as 10k rows cost the edge's event loop 10× more to read.
  const ids = await db
    .select({ ids: sql<string | null>`group_concat(${incident.id}, ' ')` })
    .from(incident)
    .where(visibleIncidentOn(scope))
    .get();
  const incidents = new Set(ids?.ids ? ids.ids.split(" ") : []);
  const { rows } = await publicComponents(db, p.id, scope);
  return {
    incidents,
    components: new Set(rows.map((c) => c.id)),
    history: await historyRangeIn(db, scope, p.timeZone),
  };
}
