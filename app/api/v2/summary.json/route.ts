import { v2Summary } from "@/lib/statuspage/v2";
import { v2Json, v2Options } from "../respond";

export const dynamic = "force-dynamic";

export const GET = () => v2Json("/api/v2/summary.json", { incidents: "unresolved", maintenances: "open" }, v2Summary);
export const OPTIONS = v2Options;
