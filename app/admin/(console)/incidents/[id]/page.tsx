import Link from "next/link";
import { notFound } from "next/navigation";
import { requireUser } from "@/app/_server/auth";
import { ActionForm, SubmitButton } from "@/components/admin/action-form";
import { ComponentStatusBadge, ImpactBadge, IncidentStatusBadge } from "@/components/admin/badges";
import { ComponentPicker } from "@/components/admin/component-picker";
import { formatDateTime, formatDuration, toLocalInput, zoneLabel } from "@/components/admin/time";
import { Card, Checkbox, ConfirmSubmit, FormField, linkClass, markdownClass, PageHeader } from "@/components/admin/ui";
import { Input, Select, Textarea } from "@/components/ui/form";
import { COMPONENT_STATUS_LABELS, IMPACT_LABELS, IMPACTS, INCIDENT_STATUS_LABELS, INCIDENT_STATUSES, type AnyIncidentStatus } from "@/db/constants";
import { hasRole } from "@/lib/context";
import { getConsoleIncident, type ConsoleIncidentUpdate } from "@/lib/incidents/queries";
import { renderMarkdown } from "@/lib/markdown/render";
import { getPage } from "@/lib/page/page";
import { isClosedStatus } from "@/lib/status/rules";
import { deleteIncidentAction, deleteUpdateAction, editUpdateAction, postUpdateAction, resolveIncidentAction, updateIncidentAction } from "../actions";
import { pickerComponents } from "../load-components";

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
        <time dateTime={update.displayAt.toISOString()} className="text-sm text-zinc-600 dark:text-zinc-400">
          {formatDateTime(update.displayAt, timeZone)}
        </time>
        {update.authorName && <span className="text-xs text-zinc-500">by {update.authorName}</span>}
        {update.deliverNotifications && <span className="text-xs text-zinc-500">· subscribers notified</span>}
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
          {!isOnly && (
            <ActionForm action={deleteUpdateAction} className="space-y-2" aria-label="Delete update">
              <input type="hidden" name="incidentId" value={incidentId} />
              <input type="hidden" name="updateId" value={update.id} />
              <ConfirmSubmit summary="Delete update" confirmLabel="Yes, delete this update" warning="The update disappears from the status page. Component changes it made stay in the history." />
            </ActionForm>
          )}
        </div>
      )}
    </li>
  );
}

export default async function IncidentPage({ params }: { params: Promise<{ id: string }> }) {
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

  return (
    <>
      <PageHeader
        title={incident.name}
        description={
          <div className="space-y-2">
            <div className="flex flex-wrap items-center gap-2">
              <IncidentStatusBadge status={incident.status} />
              <ImpactBadge impact={incident.impact} overridden={!!incident.impactOverride} />
              {incident.backfilled && <span className="text-xs text-zinc-500">Backfilled</span>}
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
                  <div>
                    <dt className="inline text-zinc-500">Duration </dt>
                    <dd className="inline">{formatDuration(incident.resolvedAt.getTime() - incident.startedAt.getTime())}</dd>
                  </div>
                </>
              )}
            </dl>
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
            <Card title="Post an update">
              {/* Keyed on the timeline length: after a post the form starts fresh with the new defaults. */}
              <ActionForm key={incident.updates.length} action={postUpdateAction} aria-label="Post an update">
                <input type="hidden" name="incidentId" value={incident.id} />
                <FormField label="Status" name="status">
                  <Select name="status" defaultValue={NEXT_STATUS[incident.status] ?? incident.status} className="sm:max-w-xs">
                    <StatusOptions />
                  </Select>
                </FormField>
                <FormField label="Message" name="body" hint="Markdown is supported.">
                  <Textarea name="body" required rows={4} maxLength={20000} />
                </FormField>
                <details open={!closed} className="rounded-md border border-zinc-200 p-3 dark:border-zinc-800">
                  <summary className="cursor-pointer text-sm font-medium">Component statuses</summary>
                  <p className="mt-1 mb-2 text-xs text-zinc-500">
                    Prefilled with the current statuses. When this update resolves the incident, affected components return to operational unless you change them here.
                  </p>
                  <ComponentPicker components={components} mode="update" highlight={incident.components.map((c) => c.id)} />
                </details>
                <Checkbox name="notify" label="Notify subscribers" />
                <SubmitButton pendingLabel="Posting…">Post update</SubmitButton>
              </ActionForm>
            </Card>
          )}
          <Card title="Timeline" description="Newest first.">
            <ol className="relative before:absolute before:top-2 before:bottom-2 before:left-[10px] before:w-px before:bg-zinc-200 dark:before:bg-zinc-800">
              {incident.updates.map((u) => (
                <TimelineEntry key={u.id} incidentId={incident.id} update={u} timeZone={tz} canEdit={canEdit} isOnly={incident.updates.length === 1} />
              ))}
            </ol>
          </Card>
        </div>
        <div className="space-y-6">
          {canEdit && !closed && (
            <Card title="Resolve" description="Affected components return to operational.">
              <ActionForm action={resolveIncidentAction} aria-label="Resolve incident">
                <input type="hidden" name="incidentId" value={incident.id} />
                <FormField label="Message" name="body" id="resolve-body">
                  <Textarea name="body" id="resolve-body" required rows={3} defaultValue="This incident has been resolved." />
                </FormField>
                <Checkbox name="notify" id="resolve-notify" label="Notify subscribers" />
                <SubmitButton pendingLabel="Resolving…">Resolve incident</SubmitButton>
              </ActionForm>
            </Card>
          )}
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
