import Link from "next/link";
import { notFound } from "next/navigation";
import { requireUser } from "@/app/_server/auth";
import { ActionForm, SubmitButton } from "@/components/admin/action-form";
import { NextUpdateDue } from "@/components/admin/next-update";
import { KeepPlaceholders, PLACEHOLDER_HINT } from "@/components/admin/placeholders";
import { ComponentStatusBadge, ImpactBadge, IncidentStatusBadge, PriorityBadge } from "@/components/admin/badges";
import { ComponentPicker } from "@/components/admin/component-picker";
import { PostPreviewButton } from "@/components/admin/post-preview";
import { TemplatePicker } from "@/components/admin/template-picker";
import { formatDateTime, formatLasted, toLocalInput, zoneLabel } from "@/components/admin/time";
import { Card, Checkbox, ConfirmSubmit, FormField, linkClass, markdownClass, PageHeader } from "@/components/admin/ui";
import { Input, Select, Textarea } from "@/components/ui/form";
import { COMPONENT_STATUS_LABELS, IMPACT_LABELS, IMPACTS, INCIDENT_STATUS_LABELS, INCIDENT_STATUSES, URGENCIES, type AnyIncidentStatus } from "@/db/constants";
import { hasRole } from "@/lib/context";
import { getIncidentOrThrow } from "@/lib/incidents/incidents";
import { postmortemDto, type PostmortemDto } from "@/lib/incidents/postmortem";
import { listIncidentNotes, loadCommsView, priorityOf, type IncidentNoteDto } from "@/lib/incidents/practice";
import { getConsoleIncident, type ConsoleIncidentUpdate } from "@/lib/incidents/queries";
import { renderMarkdown } from "@/lib/markdown/render";
import { getPage } from "@/lib/page/page";
import { isClosedStatus } from "@/lib/status/rules";
import { listUsers } from "@/lib/users/users";
import { deleteIncidentAction, deleteUpdateAction, editUpdateAction, postUpdateAction, previewPostAction, resolveIncidentAction, updateIncidentAction } from "../actions";
import { pickerComponents } from "../load-components";
import { addNoteAction, publishPostmortemAction, revertPostmortemAction, savePostmortemAction, setPracticeAction } from "../practice-actions";
import { prefillNotice, templatePrefill, type SearchParams } from "../template-prefill";

export const metadata = { title: "Incident · Herald" };

const STATUSES = INCIDENT_STATUSES.filter((s) => s !== "postmortem");
const NEXT_STATUS: Partial<Record<AnyIncidentStatus, AnyIncidentStatus>> = { investigating: "identified", identified: "monitoring", monitoring: "resolved" };

function StatusOptions() {
  return STATUSES.map((s) => (
    <option key={s} value={s}>
      {INCIDENT_STATUS_LABELS[s]}
    </option>
  ));
}

function TimelineEntry({ incidentId, update, timeZone, canEdit, isOnly }: { incidentId: string; update: ConsoleIncidentUpdate; timeZone: string; canEdit: boolean; isOnly: boolean }) {
  const localTime = toLocalInput(update.displayAt, timeZone);
  return (
    <li className="relative pb-8 pl-8 last:pb-0" data-testid="timeline-entry">
      <span aria-hidden className="absolute top-1.5 left-[5px] size-3 rounded-full border-2 border-white bg-zinc-400 ring-1 ring-zinc-300 dark:border-zinc-900 dark:ring-zinc-700" />
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <IncidentStatusBadge status={update.status} />
        {update.publishAt ? (
          <span className="rounded bg-amber-100 px-1.5 py-0.5 text-xs font-medium text-amber-900 dark:bg-amber-900 dark:text-amber-100" data-testid="scheduled-update">
            Scheduled for <time dateTime={update.publishAt.toISOString()}>{formatDateTime(update.publishAt, timeZone)}</time> · not public yet
          </span>
        ) : (
          <time dateTime={update.displayAt.toISOString()} className="text-sm text-zinc-600 dark:text-zinc-400">
            {formatDateTime(update.displayAt, timeZone)}
          </time>
        )}
        {update.authorName && <span className="text-xs text-zinc-500">by {update.authorName}</span>}
        {update.deliverNotifications && <span className="text-xs text-zinc-500">{update.publishAt ? "· will notify subscribers" : "· subscribers notified"}</span>}
      </div>
      {/* renderMarkdown's output is sanitized (lib/markdown/render.ts). */}
      <div className={`mt-2 ${markdownClass}`} dangerouslySetInnerHTML={{ __html: renderMarkdown(update.body) }} />
      {update.components.length > 0 && (
        <ul className="mt-2 flex flex-wrap gap-2" aria-label="Component changes">
          {update.components.map((c) => (
            <li key={c.id} className="flex items-center gap-1.5 rounded-md bg-zinc-50 px-2 py-1 text-xs dark:bg-zinc-800">
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
      {canEdit && (
        <div className="mt-2 flex flex-wrap items-start gap-x-2">
          {/* A scheduled update is deleted and scheduled again, not edited: its shown time is its publish time. */}
          {!update.publishAt && (
            <details className="open:basis-full">
              <summary className="inline-block cursor-pointer rounded-md px-2 py-1 text-sm text-blue-700 hover:bg-blue-50 dark:text-blue-400 dark:hover:bg-blue-950">Edit update</summary>
              <ActionForm action={editUpdateAction} className="mt-2 space-y-3 rounded-md border border-zinc-200 p-3 dark:border-zinc-800" aria-label="Edit update">
                <input type="hidden" name="incidentId" value={incidentId} />
                <input type="hidden" name="updateId" value={update.id} />
                <input type="hidden" name="displayAtWas" value={localTime} />
                <div className="grid gap-3 sm:grid-cols-2">
                  <FormField label="Status" name="status" id={`status-${update.id}`}>
                    <Select name="status" id={`status-${update.id}`} defaultValue={update.status}>
                      <StatusOptions />
                    </Select>
                  </FormField>
                  <FormField label={`Shown at (${zoneLabel(update.displayAt, timeZone)})`} name="displayAt" id={`displayAt-${update.id}`}>
                    <Input name="displayAt" id={`displayAt-${update.id}`} type="datetime-local" defaultValue={localTime} />
                  </FormField>
                </div>
                <FormField label="Message" name="body" id={`body-${update.id}`}>
                  <Textarea name="body" id={`body-${update.id}`} defaultValue={update.body} required rows={4} maxLength={20000} />
                </FormField>
                <SubmitButton variant="secondary" pendingLabel="Saving…">
                  Save update
                </SubmitButton>
              </ActionForm>
            </details>
          )}
          {!isOnly && (
            <ActionForm action={deleteUpdateAction} className="space-y-2" aria-label="Delete update">
              <input type="hidden" name="incidentId" value={incidentId} />
              <input type="hidden" name="updateId" value={update.id} />
              <ConfirmSubmit
                summary={update.publishAt ? "Delete scheduled update" : "Delete update"}
                confirmLabel="Yes, delete this update"
                warning={update.publishAt ? "It will not be published and nobody is notified." : "The update disappears from the status page. Component changes it made stay in the history."}
              />
            </ActionForm>
          )}
        </div>
      )}
    </li>
  );
}

const URGENCY_LABELS = { low: "Low", medium: "Medium", high: "High" } as const;

/** Internal notes: console-only, never on any public surface. */
function NotesCard({ incidentId, notes, canEdit, timeZone }: { incidentId: string; notes: IncidentNoteDto[]; canEdit: boolean; timeZone: string }) {
  return (
    <Card
      title={
        <span className="flex items-center gap-2">
          Internal notes
          <span className="rounded bg-amber-100 px-1.5 py-0.5 text-xs font-medium text-amber-900 dark:bg-amber-900 dark:text-amber-100">Internal — never public</span>
        </span>
      }
      description="For the team: hand-overs, links, what was tried. Not shown on the status page, in feeds, the API or emails."
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
            <li key={n.id} className="rounded-md border border-amber-200 bg-amber-50/60 p-3 dark:border-amber-900 dark:bg-amber-950/40" data-testid="internal-note">
              <p className="text-xs text-zinc-500">
                {n.authorLabel} · <time dateTime={n.createdAt.toISOString()}>{formatDateTime(n.createdAt, timeZone)}</time>
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

/** Draft → preview → publish (optionally notifying) → revert to draft. */
function PostmortemCard({ pm, closed, canEdit, timeZone, notify }: { pm: PostmortemDto; closed: boolean; canEdit: boolean; timeZone: string; notify: boolean }) {
  const state = pm.publishedAt
    ? `Published ${formatDateTime(pm.publishedAt, timeZone)}${pm.unpublishedChanges ? " · the draft has unpublished changes" : ""}`
    : pm.draft
      ? "Draft — not on the status page yet"
      : "Not written yet";
  return (
    <Card title="Postmortem" id="postmortem" description={state}>
      <div className="space-y-4">
        {canEdit && (
          // Keyed on the publish state: publishing or reverting clears the last "Draft saved" message.
          <ActionForm key={pm.publishedAt?.toISOString() ?? "draft"} action={savePostmortemAction} aria-label="Postmortem draft">
            <input type="hidden" name="incidentId" value={pm.incidentId} />
            <FormField label="Draft" name="body" id="postmortem-body" hint="Markdown. What happened, the impact, the cause, and what changes now. Saving keeps it private.">
              <Textarea name="body" id="postmortem-body" rows={10} maxLength={100000} defaultValue={pm.draft ?? ""} />
            </FormField>
            <SubmitButton variant="secondary" pendingLabel="Saving…">
              Save draft and preview
            </SubmitButton>
          </ActionForm>
        )}
        {pm.draftHtml && (
          <section aria-label="Postmortem preview" className="rounded-md border border-zinc-200 p-4 dark:border-zinc-800">
            <h3 className="text-xs font-semibold tracking-wide text-zinc-500 uppercase">Preview — as the incident page will show it</h3>
            {/* postmortemDto renders with lib/markdown/render.ts, which sanitizes. */}
            <div className={`mt-2 ${markdownClass}`} dangerouslySetInnerHTML={{ __html: pm.draftHtml }} />
          </section>
        )}
        {canEdit && pm.draft && pm.unpublishedChanges && (
          <ActionForm action={publishPostmortemAction} aria-label="Publish postmortem" className="space-y-3">
            <input type="hidden" name="incidentId" value={pm.incidentId} />
            {!closed && <p className="text-sm text-amber-800 dark:text-amber-200">Resolve the incident before publishing its postmortem.</p>}
            <Checkbox key={String(notify)} name="notify" id="postmortem-notify" label="Notify subscribers" hint="Email subscribers that the postmortem is out." defaultChecked={notify} />
            <SubmitButton pendingLabel="Publishing…">{pm.publishedAt ? "Publish changes" : "Publish postmortem"}</SubmitButton>
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

export default async function IncidentPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<SearchParams> }) {
  const { id } = await params;
  const { ctx } = await requireUser();
  const page = await getPage(ctx.db);
  const incident = await getConsoleIncident(ctx.db, page.id, id);
  if (!incident) notFound();
  const canEdit = hasRole(ctx.actor, "editor");
  const canDelete = hasRole(ctx.actor, "admin");
  const closed = isClosedStatus(incident.status);
  const components = canEdit ? await pickerComponents(ctx.db, page.id) : [];
  const tz = page.timeZone;
  const now = new Date();
  const row = await getIncidentOrThrow(ctx.db, page.id, incident.id);
  const query = await searchParams;
  // "Use template" values belong to the timeline they were picked for: once an update is posted, the form starts fresh.
  const forThisTimeline = query.prefillFor === String(incident.updates.length);
  const [{ templates, prefill }, notes, team, comms] = await Promise.all([
    canEdit && forThisTimeline
      ? templatePrefill(ctx.db, page, components, query, { name: incident.name, componentIds: incident.components.map((c) => c.id) })
      : canEdit
        ? templatePrefill(ctx.db, page, components, {})
        : { templates: [], prefill: null },
    listIncidentNotes(ctx.db, incident.id),
    listUsers(ctx.db),
    closed ? [] : loadCommsView(ctx.db, page.id, now),
  ]);
  const due = comms.find((c) => c.id === incident.id);
  const notice = prefill && prefillNotice(prefill, false);
  // "Notify subscribers" starts as this incident's last choice: under stress, the safe default is the one already made.
  const lastNotify = incident.updates.find((u) => !u.publishAt)?.deliverNotifications ?? false;
  const owner = team.find((u) => u.id === row.ownerUserId);

  return (
    <>
      <PageHeader
        title={incident.name}
        description={
          <div className="space-y-2">
            <div className="flex flex-wrap items-center gap-2">
              <IncidentStatusBadge status={incident.status} />
              <ImpactBadge impact={incident.impact} overridden={!!incident.impactOverride} />
              <PriorityBadge priority={priorityOf(incident.impact, row.urgency)} />
              {incident.backfilled && <span className="text-xs text-zinc-500">Backfilled</span>}
              {!row.publishedAt && row.publishAt && <span className="text-xs font-medium text-amber-800 dark:text-amber-200">Scheduled: public from {formatDateTime(row.publishAt, tz)}</span>}
            </div>
            <dl className="flex flex-wrap gap-x-6 gap-y-1">
              <div>
                <dt className="inline text-zinc-500">Started </dt>
                <dd className="inline">{formatDateTime(incident.startedAt, tz)}</dd>
              </div>
              {incident.resolvedAt && (
                <>
                  <div>
                    <dt className="inline text-zinc-500">Resolved </dt>
                    <dd className="inline">{formatDateTime(incident.resolvedAt, tz)}</dd>
                  </div>
                  {formatLasted(incident.startedAt, incident.resolvedAt) && (
                    <div>
                      <dt className="inline text-zinc-500">Duration </dt>
                      <dd className="inline">{formatLasted(incident.startedAt, incident.resolvedAt)}</dd>
                    </div>
                  )}
                </>
              )}
            </dl>
            {due && (
              <p>
                <NextUpdateDue comms={due} timeZone={tz} now={now} />
              </p>
            )}
            <div className="flex gap-4">
              <Link href="/admin" className={linkClass}>
                ← All incidents
              </Link>
              <a href={`/incidents/${incident.id}`} className={linkClass}>
                Public page ↗
              </a>
            </div>
          </div>
        }
      />
      <div className="grid items-start gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          {canEdit && (
            <Card title="Post an update" id="post-update">
              {/* Not keyed on the timeline: after a post its "Update posted." stays; the fields inside start fresh. */}
              <ActionForm action={postUpdateAction} aria-label="Post an update">
                <input type="hidden" name="incidentId" value={incident.id} />
                <input type="hidden" name="prefillFor" value={incident.updates.length} />
                <div className="border-b border-zinc-100 pb-4 dark:border-zinc-800">
                  <TemplatePicker templates={templates} selected={prefill?.templateId} action={`/admin/incidents/${incident.id}#post-update`} id="update-template" />
                  {notice && (
                    <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400" role="status">
                      {notice}
                    </p>
                  )}
                </div>
                <div key={incident.updates.length} className="space-y-4">
                  <FormField label="Status" name="status">
                    <Select name="status" defaultValue={prefill?.status || NEXT_STATUS[incident.status] || incident.status} className="sm:max-w-xs">
                      <StatusOptions />
                    </Select>
                  </FormField>
                  <FormField label="Message" name="body" hint={<>Markdown is supported. {PLACEHOLDER_HINT}</>}>
                    <Textarea name="body" required rows={4} maxLength={20000} defaultValue={prefill?.body} />
                  </FormField>
                  <details open={!closed} className="rounded-md border border-zinc-200 p-3 dark:border-zinc-800">
                    <summary className="cursor-pointer text-sm font-medium">Component statuses</summary>
                    <p className="mt-1 mb-2 text-xs text-zinc-500">
                      Prefilled with the current statuses. When this update resolves the incident, affected components return to operational unless you change them here.
                    </p>
                    <ComponentPicker
                      components={components}
                      mode="update"
                      preset={prefill?.components}
                      highlight={[...Object.keys(prefill?.components ?? {}), ...incident.components.map((c) => c.id)]}
                    />
                  </details>
                  <Checkbox name="notify" label="Notify subscribers" defaultChecked={prefill ? prefill.notify : lastNotify} />
                  <FormField
                    label={`Publish at (${zoneLabel(now, tz)}, optional)`}
                    name="publishAt"
                    className="sm:max-w-xs"
                    hint="Empty publishes now. A time saves it as scheduled: nothing shows on the status page and nobody is notified before then."
                  >
                    <Input name="publishAt" type="datetime-local" min={toLocalInput(now, tz)} defaultValue={prefill?.publishAt} />
                  </FormField>
                  <KeepPlaceholders />
                </div>
                <div className="flex flex-wrap gap-3">
                  <SubmitButton pendingLabel="Posting…">Post update</SubmitButton>
                  <PostPreviewButton action={previewPostAction} />
                </div>
              </ActionForm>
            </Card>
          )}
          <Card title="Timeline" description="Newest first.">
            <ol className="relative before:absolute before:top-2 before:bottom-2 before:left-[10px] before:w-px before:bg-zinc-200 dark:before:bg-zinc-800">
              {incident.updates.map((u) => (
                <TimelineEntry key={u.id} incidentId={incident.id} update={u} timeZone={tz} canEdit={canEdit} isOnly={!u.publishAt && incident.updates.filter((x) => !x.publishAt).length === 1} />
              ))}
            </ol>
          </Card>
          {(closed || canEdit) && <PostmortemCard pm={postmortemDto(row)} closed={closed} canEdit={canEdit} timeZone={tz} notify={lastNotify} />}
        </div>
        <div className="space-y-6">
          {canEdit && (
            // Still rendered once resolved, so the form (and its "Incident resolved." confirmation) stays mounted.
            <Card title={closed ? "Resolved" : "Resolve"} description={closed ? undefined : "Affected components return to operational."}>
              <ActionForm action={resolveIncidentAction} aria-label={closed ? "Resolved" : "Resolve incident"}>
                {closed ? (
                  <p className="text-sm text-zinc-600 dark:text-zinc-400">
                    {incident.resolvedAt ? `Resolved ${formatDateTime(incident.resolvedAt, tz)}.` : "This incident is closed."} An update with another status reopens it.
                  </p>
                ) : (
                  <>
                    <input type="hidden" name="incidentId" value={incident.id} />
                    <FormField label="Message" name="body" id="resolve-body">
                      <Textarea name="body" id="resolve-body" required rows={3} defaultValue="This incident has been resolved." />
                    </FormField>
                    {/* Keyed on the default: when another update changes the last choice, the box follows it. */}
                    <Checkbox key={String(lastNotify)} name="notify" id="resolve-notify" label="Notify subscribers" defaultChecked={lastNotify} />
                    <SubmitButton pendingLabel="Resolving…">Resolve incident</SubmitButton>
                  </>
                )}
              </ActionForm>
            </Card>
          )}
          <Card title="Owner and priority" description="Internal: shown only in the console.">
            <p className="mb-3 flex items-center gap-2 text-sm">
              Priority <PriorityBadge priority={priorityOf(incident.impact, row.urgency)} />
              <span className="text-xs text-zinc-500">
                impact {IMPACT_LABELS[incident.impact].toLowerCase()} × urgency {row.urgency ? URGENCY_LABELS[row.urgency].toLowerCase() : "medium (unset)"}
              </span>
            </p>
            {canEdit ? (
              <ActionForm action={setPracticeAction} aria-label="Owner and urgency">
                <input type="hidden" name="incidentId" value={incident.id} />
                <FormField label="Owner" name="ownerUserId" id="incident-owner">
                  <Select name="ownerUserId" id="incident-owner" defaultValue={row.ownerUserId ?? ""}>
                    <option value="">Nobody yet</option>
                    {team.map((u) => (
                      <option key={u.id} value={u.id}>
                        {u.name} ({u.email})
                      </option>
                    ))}
                  </Select>
                </FormField>
                <FormField label="Urgency" name="urgency" id="incident-urgency" hint="How fast it needs attention; with the impact it sets the priority.">
                  <Select name="urgency" id="incident-urgency" defaultValue={row.urgency ?? ""}>
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
          <NotesCard incidentId={incident.id} notes={notes} canEdit={canEdit} timeZone={tz} />
          <Card title="Affected components">
            {incident.components.length ? (
              <ul className="space-y-2">
                {incident.components.map((c) => (
                  <li key={c.id} className="flex items-center justify-between gap-2 text-sm">
                    <span>{c.name}</span>
                    {c.currentStatus ? <ComponentStatusBadge status={c.currentStatus} /> : <span className="text-xs text-zinc-500">deleted</span>}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="text-sm text-zinc-500">None named.</p>
            )}
          </Card>
          {canEdit && (
            <Card title="Incident details">
              <ActionForm action={updateIncidentAction} aria-label="Incident details">
                <input type="hidden" name="id" value={incident.id} />
                <FormField label="Name" name="name" id="incident-name">
                  <Input name="name" id="incident-name" defaultValue={incident.name} required maxLength={255} />
                </FormField>
                <FormField label="Impact" name="impactOverride" id="incident-impact" hint="Computed from the affected components unless set.">
                  <Select name="impactOverride" id="incident-impact" defaultValue={incident.impactOverride ?? ""}>
                    <option value="">Computed from components</option>
                    {IMPACTS.map((i) => (
                      <option key={i} value={i}>
                        {IMPACT_LABELS[i]}
                      </option>
                    ))}
                  </Select>
                </FormField>
                <SubmitButton variant="secondary" pendingLabel="Saving…">
                  Save
                </SubmitButton>
              </ActionForm>
            </Card>
          )}
          {canDelete && (
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
          )}
        </div>
      </div>
    </>
  );
}
