import { Card, ConfirmForm } from "@/components/admin/ui";
import type { ConsoleIncidentDetail } from "@/lib/incidents/queries";
import { deleteIncidentAction } from "../actions";

export function DeleteCard({ incident }: { incident: ConsoleIncidentDetail }) {
  return (
    <Card title="Danger zone">
      <ConfirmForm
        action={deleteIncidentAction}
        fields={{ id: incident.id }}
        label="Delete incident"
        summary="Delete incident…"
        confirmLabel={`Delete “${incident.name}”`}
        warning="The incident and its whole timeline are removed from the status page. Component history stays."
      />
    </Card>
  );
}
