import { ActionForm } from "@/components/admin/action-form";
import { Card, ConfirmSubmit } from "@/components/admin/ui";
import type { ConsoleIncidentDetail } from "@/lib/incidents/queries";
import { deleteIncidentAction } from "../actions";

export function DeleteCard({ incident }: { incident: ConsoleIncidentDetail }) {
  return (
    <Card title="Danger zone">
      <ActionForm action={deleteIncidentAction} aria-label="Delete incident">
        <input type="hidden" name="id" value={incident.id} />
        <ConfirmSubmit
          summary="Delete incident…"
          confirmLabel={`Delete “${incident.name}”`}
          warning="The incident and its whole timeline are removed from the status page. Component history stays."
        />
      </ActionForm>
    </Card>
  );
}
