import { ActionForm, ErrorsFor, SubmitButton } from "@/components/admin/action-form";
import { ComponentPicker, type PickerComponent } from "@/components/admin/component-picker";
import { KeepPlaceholders, PLACEHOLDER_HINT } from "@/components/admin/placeholders";
import { PostPreviewButton } from "@/components/admin/post-preview";
import { TemplatePicker } from "@/components/admin/template-picker";
import { toLocalInput, zoneLabel } from "@/components/admin/time";
import { Card, Checkbox, FormField } from "@/components/admin/ui";
import { Input, Select, Textarea } from "@/components/ui/form";
import type { ConsoleIncidentDetail } from "@/lib/incidents/queries";
import { postUpdateAction, previewPostAction } from "../actions";
import type { templatePrefill } from "../template-prefill";
import { NEXT_STATUS, StatusOptions } from "./status-options";

type Prefill = Awaited<ReturnType<typeof templatePrefill>>;

/** The post form: template, status, message, component statuses, notify, publish time, preview. */
export function PostUpdateCard({
  incident,
  components,
  templates,
  prefill,
  notice,
  closed,
  lastNotify,
  tz,
  now,
  audiences,
}: {
  incident: ConsoleIncidentDetail;
  components: PickerComponent[];
  templates: Prefill["templates"];
  prefill: Prefill["prefill"];
  notice: string | null | undefined;
  closed: boolean;
  lastNotify: boolean;
  tz: string;
  now: Date;
  /** The page's audiences, for an internal note (issue 13); empty hides the note. */
  audiences: { id: string; name: string }[];
}) {
  return (
    <Card title="Post an update" id="post-update">
      {/* Not keyed on the timeline: after a post its "Update posted." stays; the fields inside start fresh. */}
      <ActionForm action={postUpdateAction} aria-label="Post an update">
        <input type="hidden" name="incidentId" value={incident.id} />
        <input type="hidden" name="prefillFor" value={incident.updates.length} />
        <div className="border-b border-zinc-100 pb-4 dark:border-zinc-800">
          <TemplatePicker
            templates={templates}
            selected={prefill?.templateId}
            action={`/admin/incidents/${incident.id}#post-update`}
            id="update-template"
          />
          {notice && (
            <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400" role="status">
              {notice}
            </p>
          )}
        </div>
        <div key={incident.updates.length} className="space-y-4">
          <FormField label="Status" name="status">
            <Select
              name="status"
              defaultValue={prefill?.status || NEXT_STATUS[incident.status] || incident.status}
              className="sm:max-w-xs"
            >
              <StatusOptions />
            </Select>
          </FormField>
          <FormField label="Message" name="body" hint={<>Markdown is supported. {PLACEHOLDER_HINT}</>}>
            <Textarea name="body" required rows={4} maxLength={20000} defaultValue={prefill?.body} />
          </FormField>
          <details open={!closed} className="rounded-md border border-zinc-200 p-3 dark:border-zinc-800">
            <summary className="cursor-pointer text-sm font-medium">Component statuses</summary>
            <p className="mt-1 mb-2 text-xs text-zinc-500">
              Prefilled with the current statuses. When this update resolves the incident, affected components return to
              operational unless you change them here.
            </p>
            <ComponentPicker
              components={components}
              mode="update"
              preset={prefill?.components}
              highlight={[...Object.keys(prefill?.components ?? {}), ...incident.components.map((c) => c.id)]}
            />
          </details>
          {audiences.length > 0 && <InternalNote audiences={audiences} />}
          <Checkbox name="notify" label="Notify subscribers" defaultChecked={prefill ? prefill.notify : lastNotify} />
          <FormField
            label={`Publish at (${zoneLabel(now, tz)}, optional)`}
            name="publishAt"
            className="sm:max-w-xs"
            hint={
              "Empty publishes now. A time saves it as scheduled: nothing shows on the status page and nobody is " +
              "notified before then."
            }
          >
            <Input
              name="publishAt"
              type="datetime-local"
              min={toLocalInput(now, tz)}
              defaultValue={prefill?.publishAt}
            />
          </FormField>
          <KeepPlaceholders />
        </div>
        <div className="flex flex-wrap gap-3">
          <SubmitButton pendingLabel="Posting…">Post update</SubmitButton>
          <PostPreviewButton action={previewPostAction} />
        </div>
      </ActionForm>
    </Card>
  );
}

/**
 * An optional internal note under the update, shown only to the chosen audiences' signed-in viewers: never to
 * anonymous readers, other audiences, feeds, JSON or any notification.
 */
function InternalNote({ audiences }: { audiences: { id: string; name: string }[] }) {
  return (
    <details className="rounded-md border border-zinc-200 p-3 dark:border-zinc-800">
      <summary className="cursor-pointer text-sm font-medium">Internal note for audiences (optional)</summary>
      <div className="mt-3 space-y-3">
        <FormField
          label="Note"
          name="note.body"
          id="noteBody"
          hint="Markdown. Shown under this update only to signed-in viewers of the audiences you choose."
        >
          <Textarea id="noteBody" name="noteBody" rows={3} maxLength={10000} />
        </FormField>
        <fieldset>
          <legend className="text-sm font-medium text-zinc-800 dark:text-zinc-200">Shown to</legend>
          <div className="mt-1 space-y-1">
            {audiences.map((a) => (
              <Checkbox key={a.id} name="noteAudienceIds" id={`note-audience-${a.id}`} label={a.name} value={a.id} />
            ))}
          </div>
          <ErrorsFor name="note.audienceIds" />
        </fieldset>
      </div>
    </details>
  );
}
