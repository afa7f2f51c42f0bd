import { v2Incidents } from "@/lib/statuspage/v2";
import { v2Json, v2Options } from "../respond";

export const dynamic = "force-dynamic";

export const GET = () => v2Json("/api/v2/incidents.json", { incidents: "recent", maintenances: "none" }, v2Incidents);
export const OPTIONS = v2Options;
