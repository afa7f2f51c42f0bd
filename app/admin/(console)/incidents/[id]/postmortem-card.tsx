import { ActionForm, SubmitButton } from "@/components/admin/action-form";
import { formatDateTime } from "@/components/admin/time";
import { Card, Checkbox, FormField, markdownClass } from "@/components/admin/ui";
import { Textarea } from "@/components/ui/form";
import type { PostmortemDto } from "@/lib/incidents/postmortem";
import { publishPostmortemAction, revertPostmortemAction, savePostmortemAction } from "../practice-actions";

/** Draft → preview → publish (optionally notifying) → revert to draft. */
export function PostmortemCard({
  pm,
  closed,
  canEdit,
  timeZone,
  notify,
}: {
  pm: PostmortemDto;
  closed: boolean;
  canEdit: boolean;
  timeZone: string;
  notify: boolean;
}) {
  const state = pm.publishedAt
    ? `Published ${formatDateTime(pm.publishedAt, timeZone)}` +
      (pm.unpublishedChanges ? " · the draft has unpublished changes" : "")
    : pm.draft
      ? "Draft — not on the status page yet"
      : "Not written yet";
  return (
    <Card title="Postmortem" id="postmortem" description={state}>
      <div className="space-y-4">
        {canEdit && (
          // Keyed on the publish state: publishing or reverting clears the last "Draft saved" message.
          <ActionForm
            key={pm.publishedAt?.toISOString() ?? "draft"}
            action={savePostmortemAction}
            aria-label="Postmortem draft"
          >
            <input type="hidden" name="incidentId" value={pm.incidentId} />
            <FormField
              label="Draft"
              name="body"
              id="postmortem-body"
              hint="Markdown. What happened, the impact, the cause, and what changes now. Saving keeps it private."
            >
              <Textarea name="body" id="postmortem-body" rows={10} maxLength={100000} defaultValue={pm.draft ?? ""} />
            </FormField>
            <SubmitButton variant="secondary" pendingLabel="Saving…">
              Save draft and preview
            </SubmitButton>
          </ActionForm>
        )}
        {pm.draftHtml && (
          <section
            aria-label="Postmortem preview"
            className="rounded-md border border-zinc-200 p-4 dark:border-zinc-800"
          >
            <h3 className="text-xs font-semibold tracking-wide text-zinc-500 uppercase">
              Preview — as the incident page will show it
            </h3>
            {/* biome-ignore lint/security/noDangerouslySetInnerHtml: sanitized by lib/markdown/render.ts */}
            <div className={`mt-2 ${markdownClass}`} dangerouslySetInnerHTML={{ __html: pm.draftHtml }} />
          </section>
        )}
        {canEdit && pm.draft && pm.unpublishedChanges && (
          <ActionForm action={publishPostmortemAction} aria-label="Publish postmortem" className="space-y-3">
            <input type="hidden" name="incidentId" value={pm.incidentId} />
            {!closed && (
              <p className="text-sm text-amber-800 dark:text-amber-200">
                Resolve the incident before publishing its postmortem.
              </p>
            )}
            <Checkbox
              key={String(notify)}
              name="notify"
              id="postmortem-notify"
              label="Notify subscribers"
              hint="Email subscribers that the postmortem is out."
              defaultChecked={notify}
            />
            <SubmitButton pendingLabel="Publishing…">
              {pm.publishedAt ? "Publish changes" : "Publish postmortem"}
            </SubmitButton>
          </ActionForm>
        )}
        {canEdit && pm.publishedAt && (
          <ActionForm action={revertPostmortemAction} aria-label="Revert postmortem to draft">
            <input type="hidden" name="incidentId" value={pm.incidentId} />
            <SubmitButton variant="secondary" pendingLabel="Reverting…">
              Revert to draft
            </SubmitButton>
            <p className="text-xs text-zinc-500">Takes it off the status page; the text stays here as the draft.</p>
          </ActionForm>
        )}
      </div>
    </Card>
  );
}
