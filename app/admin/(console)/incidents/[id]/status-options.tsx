import { INCIDENT_STATUS_LABELS, INCIDENT_STATUSES, type AnyIncidentStatus } from "@/db/constants";

const STATUSES = INCIDENT_STATUSES.filter((s) => s !== "postmortem");
/** The status the post form suggests next. */
export const NEXT_STATUS: Partial<Record<AnyIncidentStatus, AnyIncidentStatus>> = {
  investigating: "identified",
  identified: "monitoring",
  monitoring: "resolved",
};

/** The incident statuses a post can set (postmortem is the postmortem card's). */
export function StatusOptions() {
  return STATUSES.map((s) => (
    <option key={s} value={s}>
      {INCIDENT_STATUS_LABELS[s]}
    </option>
  ));
}
