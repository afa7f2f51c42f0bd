// Shared by the API v2 route handlers: load public data, serialize, answer
// with open CORS. The snapshot server (lib/snapshots/routes.ts) serves these
// paths as bytes with the same CORS headers and an ETag.
import { privatePageRefusal, renderViewer } from "@/app/_server/viewer";
import { env } from "@/lib/env";
import { publicBaseUrl } from "@/lib/public/page";
import { loadSyndication, type IncidentSelection, type MaintenanceSelection } from "@/lib/public/syndication";
import { getDb } from "@/lib/runtime";
import type { V2Context } from "@/lib/statuspage/v2";
import { V2_CORS_HEADERS } from "@/lib/snapshots/routes";

export async function v2Json(
  select: { incidents: IncidentSelection; maintenances: MaintenanceSelection },
  serialize: (ctx: V2Context) => unknown,
): Promise<Response> {
  const viewer = await renderViewer();
  if (!viewer) return privatePageRefusal();
  const data = await loadSyndication(getDb(), select, viewer);
  const body = serialize({ data, baseUrl: publicBaseUrl(data.page, env().HERALD_URL) });
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
