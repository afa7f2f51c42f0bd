import { v2Maintenances } from "@/lib/statuspage/v2";
import { v2Json, v2Options } from "../../respond";

export const dynamic = "force-dynamic";

const PATH = "/api/v2/scheduled-maintenances/upcoming.json";

export const GET = () => v2Json(PATH, { incidents: "none", maintenances: "upcoming" }, v2Maintenances);
export const OPTIONS = v2Options;
