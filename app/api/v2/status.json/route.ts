import { v2Status } from "@/lib/statuspage/v2";
import { v2Json, v2Options } from "../respond";

export const dynamic = "force-dynamic";

export const GET = () => v2Json("/api/v2/status.json", { incidents: "none", maintenances: "none" }, v2Status);
export const OPTIONS = v2Options;
