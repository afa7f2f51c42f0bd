// `page.updated_at` of an API v2 document: when what this document shows last
// changed. Statuspage's envelope carries the page's last update; Herald bumps
// that on every content change, which rewrote all eight documents (and made a
// CDN or the static mirror fetch and upload them) on every incident update,
// even those that show nothing of it (components.json, the maintenance lists).
// A document's stamp is the time of the content version that first served its
// current body, so it moves exactly when the document's bytes would otherwise
// change: an item added, edited or removed, a status turned.
import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { v2DocumentStamp } from "@/db/schema";
import { publicBaseUrl } from "../public/page";
import { type IncidentSelection, loadSyndication, type MaintenanceSelection } from "../public/syndication";
import type { Viewer } from "../public/visibility";
import { isoWithOffset, type V2Context } from "./v2";

/** The stamp row's key: the path, and the audiences of a private view (each view changes on its own). */
export function stampKey(path: string, viewer: Viewer): string {
  return viewer.audiences.length ? `${path}?a=${[...viewer.audiences].sort().join(",")}` : path;
}

/**
 * Fills in `page.updated_at` of a serialized v2 document: kept from the last
 * render while the rest of the body is unchanged, else `versionAt` (the
 * content version's time, `page.updated_at` of the page row), recorded for
 * the next renders. Every instance rendering the same version writes the same
 * value, so they serve the same bytes; an older version rendered late never
 * moves a newer stamp.
 */
export async function stampV2Document<T extends { page: { updated_at: string | null } }>(
  db: Db,
  key: string,
  body: T,
  versionAt: Date,
  format: (at: Date) => string,
): Promise<T> {
  body.page.updated_at = null;
  const hash = createHash("sha256").update(JSON.stringify(body)).digest("hex");
  const row = await db
    .select({ hash: v2DocumentStamp.hash, changedAt: v2DocumentStamp.changedAt })
    .from(v2DocumentStamp)
    .where(sql`${v2DocumentStamp.key} = ${key}`)
    .get();
  let changedAt = versionAt;
  if (row?.hash === hash) changedAt = row.changedAt;
  else if (!row || row.changedAt <= versionAt)
    await db.transaction((tx) =>
      tx
        .insert(v2DocumentStamp)
        .values({ key, hash, changedAt: versionAt })
        .onConflictDoUpdate({
          target: v2DocumentStamp.key,
          set: { hash, changedAt: versionAt },
          setWhere: sql`${v2DocumentStamp.changedAt} <= ${versionAt.getTime()}`,
        }),
    );
  body.page.updated_at = format(changedAt);
  return body;
}

/** One API v2 document as served (app/api/v2/respond.ts): the viewer's public data, serialized and stamped. */
export async function v2Document(
  db: Db,
  opts: {
    path: string;
    select: { incidents: IncidentSelection; maintenances: MaintenanceSelection };
    serialize: (ctx: V2Context) => { page: { updated_at: string | null } };
    viewer: Viewer;
    /** HERALD_URL: the public URL when the page has none of its own. */
    fallbackUrl?: string;
  },
): Promise<unknown> {
  const data = await loadSyndication(db, opts.select, opts.viewer);
  return stampV2Document(
    db,
    stampKey(opts.path, opts.viewer),
    opts.serialize({ data, baseUrl: publicBaseUrl(data.page, opts.fallbackUrl) }),
    data.page.updatedAt,
    (at) => isoWithOffset(at, data.page.timeZone),
  );
}
