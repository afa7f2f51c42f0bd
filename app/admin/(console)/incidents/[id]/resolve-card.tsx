import { ActionForm, SubmitButton } from "@/components/admin/action-form";
import { formatDateTime } from "@/components/admin/time";
import { Card, Checkbox, FormField } from "@/components/admin/ui";
import { Textarea } from "@/components/ui/form";
import type { ConsoleIncidentDetail } from "@/lib/incidents/queries";
import { resolveIncidentAction } from "../actions";

/** Resolve with a message; once closed, says when (the form stays mounted for its confirmation). */
export function ResolveCard({
  incident,
  closed,
  lastNotify,
  tz,
}: {
  incident: ConsoleIncidentDetail;
  closed: boolean;
  lastNotify: boolean;
  tz: string;
}) {
  const closedText = incident.resolvedAt
    ? `Resolved ${formatDateTime(incident.resolvedAt, tz)}.`
    : "This incident is closed.";
  return (
    <Card
      title={closed ? "Resolved" : "Resolve"}
      description={closed ? undefined : "Affected components return to operational."}
    >
      <ActionForm action={resolveIncidentAction} aria-label={closed ? "Resolved" : "Resolve incident"}>
        {closed ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            {closedText} An update with another status reopens it.
          </p>
        ) : (
          <>
            <input type="hidden" name="incidentId" value={incident.id} />
            <FormField label="Message" name="body" id="resolve-body">
              <Textarea
                name="body"
                id="resolve-body"
                required
                rows={3}
                defaultValue="This incident has been resolved."
              />
            </FormField>
            {/* Keyed on the default: when another update changes the last choice, the box follows it. */}
            <Checkbox
              key={String(lastNotify)}
              name="notify"
              id="resolve-notify"
              label="Notify subscribers"
              defaultChecked={lastNotify}
            />
            <SubmitButton pendingLabel="Resolving…">Resolve incident</SubmitButton>
          </>
        )}
      </ActionForm>
    </Card>
  );
}
