// What a vendor's status page says, read from its JSON. Pure: no database, no network.
//
// - Statuspage (and another Herald, which serves the same v2 shape):
//   /api/v2/summary.json → {status: {indicator}, components: [{id, status}]}.
// - Instatus: /summary.json → {page: {status: "UP" | "HASISSUES" |
//   "UNDERMAINTENANCE"}, activeIncidents: [{impact}], …}; it lists no
//   components, so a component follows the whole page.
import { COMPONENT_STATUSES, type ComponentStatus, type VendorKind } from "@/db/constants";
import { worstComponentStatus } from "../status/rules";

export class UnreadableStatusError extends Error {}

const INDICATOR: Record<string, ComponentStatus> = {
  none: "operational",
  minor: "degraded_performance",
  major: "partial_outage",
  critical: "major_outage",
  maintenance: "under_maintenance",
};

const INSTATUS_IMPACT: Record<string, ComponentStatus> = {
  DEGRADEDPERFORMANCE: "degraded_performance",
  PARTIALOUTAGE: "partial_outage",
  MAJOROUTAGE: "major_outage",
  UNDERMAINTENANCE: "under_maintenance",
  OPERATIONAL: "operational",
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isStatus = (v: unknown): v is ComponentStatus =>
  typeof v === "string" && (COMPONENT_STATUSES as readonly string[]).includes(v);

/** The summary URL to poll, from either the page's address or the JSON's own. */
export function summaryUrl(kind: VendorKind, given: string): string {
  const url = new URL(given);
  if (url.pathname.endsWith(".json")) return url.toString();
  const base = url.pathname.replace(/\/+$/, "");
  url.pathname = kind === "instatus" ? `${base}/summary.json` : `${base}/api/v2/summary.json`;
  url.search = "";
  return url.toString();
}

/** The status to mirror; UnreadableStatusError when the body is not what the kind promises. */
export function readVendorStatus(kind: VendorKind, body: unknown, vendorComponentId: string | null): ComponentStatus {
  if (!isObject(body)) throw new UnreadableStatusError("the answer is not a JSON object");
  if (kind === "instatus") {
    const page = body.page;
    if (!isObject(page) || typeof page.status !== "string")
      throw new UnreadableStatusError("no page.status in the answer");
    if (page.status === "UP") return "operational";
    if (page.status === "UNDERMAINTENANCE") return "under_maintenance";
    if (page.status !== "HASISSUES")
      throw new UnreadableStatusError(`unknown page.status “${page.status.slice(0, 40)}”`);
    // "Has issues": as bad as its worst active incident says, a partial outage when none says.
    const impacts = (Array.isArray(body.activeIncidents) ? body.activeIncidents : [])
      .map((i) => (isObject(i) && typeof i.impact === "string" ? INSTATUS_IMPACT[i.impact] : undefined))
      .filter((s): s is ComponentStatus => s !== undefined);
    return impacts.length ? worstComponentStatus(impacts) : "partial_outage";
  }
  if (vendorComponentId) {
    if (!Array.isArray(body.components)) throw new UnreadableStatusError("no components list in the answer");
    const c = body.components.find((x) => isObject(x) && x.id === vendorComponentId);
    if (!isObject(c)) throw new UnreadableStatusError(`component ${vendorComponentId} is not on the vendor's page`);
    if (!isStatus(c.status)) throw new UnreadableStatusError("the component's status is not a Statuspage status");
    return c.status;
  }
  const status = body.status;
  const indicator = isObject(status) ? status.indicator : undefined;
  if (typeof indicator !== "string" || !(indicator in INDICATOR))
    throw new UnreadableStatusError("no status.indicator in the answer");
  return INDICATOR[indicator];
}
