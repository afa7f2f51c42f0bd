import { ActionForm, SubmitButton } from "@/components/admin/action-form";
import { formatDateTime } from "@/components/admin/time";
import { Card, FormField } from "@/components/admin/ui";
import { Textarea } from "@/components/ui/form";
import type { IncidentNoteDto } from "@/lib/incidents/practice";
import { addNoteAction } from "../practice-actions";

/** Internal notes: console-only, never on any public surface. */
export function NotesCard({
  incidentId,
  notes,
  canEdit,
  timeZone,
}: {
  incidentId: string;
  notes: IncidentNoteDto[];
  canEdit: boolean;
  timeZone: string;
}) {
  return (
    <Card
      title={
        <span className="flex items-center gap-2">
          Internal notes
          <span
            className={
              "rounded bg-amber-100 px-1.5 py-0.5 text-xs font-medium " +
              "text-amber-900 dark:bg-amber-900 dark:text-amber-100"
            }
          >
            Internal — never public
          </span>
        </span>
      }
      description={
        "For the team: hand-overs, links, what was tried. Not shown on the status page, in feeds, the API " +
        "or emails."
      }
    >
      {canEdit && (
        <ActionForm action={addNoteAction} resetOnSuccess aria-label="Add an internal note" className="mb-4 space-y-3">
          <input type="hidden" name="incidentId" value={incidentId} />
          <FormField label="Note" name="body" id="note-body">
            <Textarea name="body" id="note-body" required rows={3} maxLength={10000} />
          </FormField>
          <SubmitButton variant="secondary" pendingLabel="Adding…">
            Add note
          </SubmitButton>
        </ActionForm>
      )}
      {notes.length ? (
        <ol className="space-y-3" aria-label="Internal notes">
          {notes.map((n) => (
            <li
              key={n.id}
              className={
                "rounded-md border border-amber-200 bg-amber-50/60 p-3 dark:border-amber-900 " + "dark:bg-amber-950/40"
              }
              data-testid="internal-note"
            >
              <p className="text-xs text-zinc-500">
                {n.authorLabel} ·{" "}
                <time dateTime={n.createdAt.toISOString()}>{formatDateTime(n.createdAt, timeZone)}</time>
              </p>
              <p className="mt-1 text-sm whitespace-pre-wrap">{n.body}</p>
            </li>
          ))}
        </ol>
      ) : (
        <p className="text-sm text-zinc-500">No notes yet.</p>
      )}
    </Card>
  );
}
