// Shared by the API v2 route handlers: load public data, serialize, stamp
// (lib/statuspage/v2-stamp.ts: `page.updated_at` is when the document last
// changed), answer with open CORS. The snapshot server (lib/snapshots/routes.ts)
// serves these paths as bytes with the same CORS headers and an ETag.
import { privatePageRefusal, renderViewer } from "@/app/_server/viewer";
import { env } from "@/lib/env";
import type { IncidentSelection, MaintenanceSelection } from "@/lib/public/syndication";
import { getDb } from "@/lib/runtime";
import type { V2Context } from "@/lib/statuspage/v2";
import { v2Document } from "@/lib/statuspage/v2-stamp";
import { V2_CORS_HEADERS } from "@/lib/snapshots/routes";

export async function v2Json(
  path: string,
  select: { incidents: IncidentSelection; maintenances: MaintenanceSelection },
  serialize: (ctx: V2Context) => { page: { updated_at: string | null } },
): Promise<Response> {
  const viewer = await renderViewer();
  if (!viewer) return privatePageRefusal();
  const body = await v2Document(getDb(), { path, select, serialize, viewer, fallbackUrl: env().HERALD_URL });
  return Response.json(body, { headers: { ...V2_CORS_HEADERS, "cache-control": "no-store" } });
}

/** CORS preflight: any origin may read, nothing is credentialed. */
export function v2Options(): Response {
  return new Response(null, {
    status: 204,
    headers: {
      ...V2_CORS_HEADERS,
      "access-control-allow-methods": "GET, HEAD, OPTIONS",
      "access-control-allow-headers": "*",
      "access-control-max-age": "86400",
    },
  });
}
