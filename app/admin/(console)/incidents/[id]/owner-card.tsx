import { ActionForm, SubmitButton } from "@/components/admin/action-form";
import { PriorityBadge } from "@/components/admin/badges";
import { Card, FormField } from "@/components/admin/ui";
import { Select } from "@/components/ui/form";
import { IMPACT_LABELS, URGENCIES } from "@/db/constants";
import { priorityOf } from "@/lib/incidents/practice";
import type { ConsoleIncidentDetail } from "@/lib/incidents/queries";
import type { listUsers } from "@/lib/users/users";
import { setPracticeAction } from "../practice-actions";

const URGENCY_LABELS = { low: "Low", medium: "Medium", high: "High" } as const;

/** Internal practice: the owner, the urgency and the priority they make with the impact. */
export function OwnerCard({
  incident,
  team,
  canEdit,
}: {
  incident: ConsoleIncidentDetail;
  team: Awaited<ReturnType<typeof listUsers>>;
  canEdit: boolean;
}) {
  const owner = team.find((u) => u.id === incident.ownerUserId);
  return (
    <Card title="Owner and priority" description="Internal: shown only in the console.">
      <p className="mb-3 flex items-center gap-2 text-sm">
        Priority <PriorityBadge priority={priorityOf(incident.impact, incident.urgency)} />
        <span className="text-xs text-zinc-500">
          impact {IMPACT_LABELS[incident.impact].toLowerCase()} × urgency{" "}
          {incident.urgency ? URGENCY_LABELS[incident.urgency].toLowerCase() : "medium (unset)"}
        </span>
      </p>
      {canEdit ? (
        <ActionForm action={setPracticeAction} aria-label="Owner and urgency">
          <input type="hidden" name="incidentId" value={incident.id} />
          <FormField label="Owner" name="ownerUserId" id="incident-owner">
            <Select name="ownerUserId" id="incident-owner" defaultValue={incident.ownerUserId ?? ""}>
              <option value="">Nobody yet</option>
              {team.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name} ({u.email})
                </option>
              ))}
            </Select>
          </FormField>
          <FormField
            label="Urgency"
            name="urgency"
            id="incident-urgency"
            hint="How fast it needs attention; with the impact it sets the priority."
          >
            <Select name="urgency" id="incident-urgency" defaultValue={incident.urgency ?? ""}>
              <option value="">Not set (counts as medium)</option>
              {URGENCIES.map((u) => (
                <option key={u} value={u}>
                  {URGENCY_LABELS[u]}
                </option>
              ))}
            </Select>
          </FormField>
          <SubmitButton variant="secondary" pendingLabel="Saving…">
            Save owner and urgency
          </SubmitButton>
        </ActionForm>
      ) : (
        <p className="text-sm">Owner: {owner ? owner.name : "nobody yet"}</p>
      )}
    </Card>
  );
}
