import { ActionForm, SubmitButton } from "@/components/admin/action-form";
import { ComponentStatusBadge, IncidentStatusBadge } from "@/components/admin/badges";
import { formatDateTime, toLocalInput, zoneLabel } from "@/components/admin/time";
import { Card, ConfirmForm, FormField, markdownClass } from "@/components/admin/ui";
import { Input, Select, Textarea } from "@/components/ui/form";
import { COMPONENT_STATUS_LABELS } from "@/db/constants";
import type { ConsoleIncidentDetail, ConsoleIncidentUpdate } from "@/lib/incidents/queries";
import { renderMarkdown } from "@/lib/markdown/render";
import { deleteUpdateAction, editUpdateAction } from "../actions";
import { StatusOptions } from "./status-options";

/** The incident's updates, newest first, each editable and deletable by an editor. */
export function TimelineCard({
  incident,
  timeZone,
  canEdit,
}: {
  incident: ConsoleIncidentDetail;
  timeZone: string;
  canEdit: boolean;
}) {
  const published = incident.updates.filter((x) => !x.publishAt).length;
  return (
    <Card title="Timeline" description="Newest first.">
      <ol
        className={
          "relative before:absolute before:top-2 before:bottom-2 " +
          "before:left-[10px] before:w-px before:bg-zinc-200 " +
          "dark:before:bg-zinc-800"
        }
      >
        {incident.updates.map((u) => (
          <TimelineEntry
            key={u.id}
            incidentId={incident.id}
            update={u}
            timeZone={timeZone}
            canEdit={canEdit}
            isOnly={!u.publishAt && published === 1}
          />
        ))}
      </ol>
    </Card>
  );
}

function TimelineEntry({
  incidentId,
  update,
  timeZone,
  canEdit,
  isOnly,
}: {
  incidentId: string;
  update: ConsoleIncidentUpdate;
  timeZone: string;
  canEdit: boolean;
  isOnly: boolean;
}) {
  const localTime = toLocalInput(update.displayAt, timeZone);
  return (
    <li className="relative pb-8 pl-8 last:pb-0" data-testid="timeline-entry">
      <span
        aria-hidden
        className={
          "absolute top-1.5 left-[5px] size-3 rounded-full border-2 border-white bg-zinc-400 ring-1 " +
          "ring-zinc-300 dark:border-zinc-900 dark:ring-zinc-700"
        }
      />
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <IncidentStatusBadge status={update.status} />
        {update.publishAt ? (
          <span
            className={
              "rounded bg-amber-100 px-1.5 py-0.5 text-xs font-medium text-amber-900 dark:bg-amber-900 " +
              "dark:text-amber-100"
            }
            data-testid="scheduled-update"
          >
            Scheduled for{" "}
            <time dateTime={update.publishAt.toISOString()}>{formatDateTime(update.publishAt, timeZone)}</time> · not
            public yet
          </span>
        ) : (
          <time dateTime={update.displayAt.toISOString()} className="text-sm text-zinc-600 dark:text-zinc-400">
            {formatDateTime(update.displayAt, timeZone)}
          </time>
        )}
        {update.authorName && <span className="text-xs text-zinc-500">by {update.authorName}</span>}
        {update.deliverNotifications && (
          <span className="text-xs text-zinc-500">
            {update.publishAt ? "· will notify subscribers" : "· subscribers notified"}
          </span>
        )}
      </div>
      {/* biome-ignore lint/security/noDangerouslySetInnerHtml: renderMarkdown sanitizes */}
      <div className={`mt-2 ${markdownClass}`} dangerouslySetInnerHTML={{ __html: renderMarkdown(update.body) }} />
      {update.components.length > 0 && (
        <ul className="mt-2 flex flex-wrap gap-2" aria-label="Component changes">
          {update.components.map((c) => (
            <li
              key={c.id}
              className="flex items-center gap-1.5 rounded-md bg-zinc-50 px-2 py-1 text-xs dark:bg-zinc-800"
            >
              <span className="font-medium">{c.name}</span>
              {c.oldStatus === c.newStatus ? (
                <span className="text-zinc-500">affected ({COMPONENT_STATUS_LABELS[c.newStatus]})</span>
              ) : (
                <>
                  <span className="text-zinc-500">{COMPONENT_STATUS_LABELS[c.oldStatus]} →</span>
                  <ComponentStatusBadge status={c.newStatus} />
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      {update.notes.map((n) => (
        <aside
          key={n.id}
          aria-label="Internal note"
          className="mt-2 rounded-md border-l-4 border-violet-400 bg-violet-50 px-3 py-2 dark:bg-violet-950"
        >
          <p className="text-xs font-medium text-violet-900 dark:text-violet-100">
            Internal note · only for {n.audiences.join(", ")}
          </p>
          {/* biome-ignore lint/security/noDangerouslySetInnerHtml: renderMarkdown sanitizes */}
          <div className={`mt-1 ${markdownClass}`} dangerouslySetInnerHTML={{ __html: renderMarkdown(n.body) }} />
        </aside>
      ))}
      {canEdit && (
        <div className="mt-2 flex flex-wrap items-start gap-x-2">
          {/* A scheduled update is deleted and scheduled again, not edited: its shown time is its publish time. */}
          {!update.publishAt && (
            <details className="open:basis-full">
              <summary
                className={
                  "inline-block cursor-pointer rounded-md px-2 py-1 text-sm " +
                  "text-blue-700 hover:bg-blue-50 dark:text-blue-400 " +
                  "dark:hover:bg-blue-950"
                }
              >
                Edit update
              </summary>
              <ActionForm
                action={editUpdateAction}
                className="mt-2 space-y-3 rounded-md border border-zinc-200 p-3 dark:border-zinc-800"
                aria-label="Edit update"
              >
                <input type="hidden" name="incidentId" value={incidentId} />
                <input type="hidden" name="updateId" value={update.id} />
                <input type="hidden" name="displayAtWas" value={localTime} />
                <div className="grid gap-3 sm:grid-cols-2">
                  <FormField label="Status" name="status" id={`status-${update.id}`}>
                    <Select name="status" id={`status-${update.id}`} defaultValue={update.status}>
                      <StatusOptions />
                    </Select>
                  </FormField>
                  <FormField
                    label={`Shown at (${zoneLabel(update.displayAt, timeZone)})`}
                    name="displayAt"
                    id={`displayAt-${update.id}`}
                  >
                    <Input
                      name="displayAt"
                      id={`displayAt-${update.id}`}
                      type="datetime-local"
                      defaultValue={localTime}
                    />
                  </FormField>
                </div>
                <FormField label="Message" name="body" id={`body-${update.id}`}>
                  <Textarea
                    name="body"
                    id={`body-${update.id}`}
                    defaultValue={update.body}
                    required
                    rows={4}
                    maxLength={20000}
                  />
                </FormField>
                <SubmitButton variant="secondary" pendingLabel="Saving…">
                  Save update
                </SubmitButton>
              </ActionForm>
            </details>
          )}
          {!isOnly && (
            <ConfirmForm
              action={deleteUpdateAction}
              fields={{ incidentId, updateId: update.id }}
              label="Delete update"
              className="space-y-2"
              summary={update.publishAt ? "Delete scheduled update" : "Delete update"}
              confirmLabel="Yes, delete this update"
              warning={
                update.publishAt
                  ? "It will not be published and nobody is notified."
                  : "The update disappears from the status page. Component changes it made stay in the history."
              }
            />
          )}
        </div>
      )}
    </li>
  );
}
