import { v2Maintenances } from "@/lib/statuspage/v2";
import { v2Json, v2Options } from "../../respond";

export const dynamic = "force-dynamic";

export const GET = () =>
  v2Json("/api/v2/scheduled-maintenances/active.json", { incidents: "none", maintenances: "active" }, v2Maintenances);
export const OPTIONS = v2Options;
