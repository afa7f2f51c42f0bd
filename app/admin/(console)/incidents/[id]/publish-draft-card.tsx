import { ActionForm, SubmitButton } from "@/components/admin/action-form";
import { Card, Checkbox } from "@/components/admin/ui";
import type { ConsoleIncidentDetail } from "@/lib/incidents/queries";
import { publishDraftAction } from "../actions";

/** A draft opened by a monitor alert: nothing about it is public until someone publishes it here. */
export function PublishDraftCard({ incident }: { incident: ConsoleIncidentDetail }) {
  return (
    <Card
      title="Draft: not public"
      description={
        "A monitor alert opened this draft (Integrations). Check the wording, then publish it; nobody is " +
        "notified unless you tick the box."
      }
    >
      <ActionForm action={publishDraftAction} aria-label="Publish this draft">
        <input type="hidden" name="id" value={incident.id} />
        <Checkbox name="notify" label="Notify subscribers" />
        <SubmitButton pendingLabel="Publishing…">Publish incident</SubmitButton>
      </ActionForm>
    </Card>
  );
}
