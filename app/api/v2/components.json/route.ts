import { v2Components } from "@/lib/statuspage/v2";
import { v2Json, v2Options } from "../respond";

export const dynamic = "force-dynamic";

export const GET = () => v2Json("/api/v2/components.json", { incidents: "none", maintenances: "none" }, v2Components);
export const OPTIONS = v2Options;
