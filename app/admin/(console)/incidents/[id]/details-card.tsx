import { ActionForm, SubmitButton } from "@/components/admin/action-form";
import { Card, FormField } from "@/components/admin/ui";
import { Input, Select } from "@/components/ui/form";
import { ImpactOptions } from "../impact-options";
import type { ConsoleIncidentDetail } from "@/lib/incidents/queries";
import { updateIncidentAction } from "../actions";

/** Name and impact override. */
export function DetailsCard({ incident }: { incident: ConsoleIncidentDetail }) {
  return (
    <Card title="Incident details">
      <ActionForm action={updateIncidentAction} aria-label="Incident details">
        <input type="hidden" name="id" value={incident.id} />
        <FormField label="Name" name="name" id="incident-name">
          <Input name="name" id="incident-name" defaultValue={incident.name} required maxLength={255} />
        </FormField>
        <FormField
          label="Impact"
          name="impactOverride"
          id="incident-impact"
          hint="Computed from the affected components unless set."
        >
          <Select name="impactOverride" id="incident-impact" defaultValue={incident.impactOverride ?? ""}>
            <ImpactOptions />
          </Select>
        </FormField>
        <SubmitButton variant="secondary" pendingLabel="Saving…">
          Save
        </SubmitButton>
      </ActionForm>
    </Card>
  );
}
