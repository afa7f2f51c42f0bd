import { requireConsolePage } from "@/app/_server/auth";
import { ActionForm, SubmitButton } from "@/components/admin/action-form";
import {
  Card,
  Checkbox,
  ConfirmSubmit,
  EmptyState,
  FormField,
  PageHeader,
  ReadOnlyNotice,
} from "@/components/admin/ui";
import { RemindSelect } from "@/components/admin/remind-select";
import { formatDateTime, toLocalInput } from "@/components/admin/time";
import { Input, Select, Textarea } from "@/components/ui/form";
import { INCIDENT_STATUS_LABELS, MAINTENANCE_STATUSES } from "@/db/constants";
import { ComponentSections } from "@/components/ui/component-sections";
import { listComponentSections } from "@/lib/components/order";
import { loadMaintenanceForEdit, type MaintenanceEditDto } from "@/lib/maintenance/edit";
import { listMaintenances, type ConsoleMaintenance } from "@/lib/maintenance/maintenance";
import {
  cancelMaintenanceAction,
  createMaintenanceAction,
  postMaintenanceUpdateAction,
  updateMaintenanceAction,
} from "./actions";

export const metadata = { title: "Maintenance · Herald" };

function UpdateForm({ m }: { m: ConsoleMaintenance }) {
  const next = m.status === "scheduled" ? "in_progress" : m.status === "in_progress" ? "verifying" : "completed";
  return (
    <ActionForm
      action={postMaintenanceUpdateAction}
      resetOnSuccess
      aria-label={`Post an update to ${m.name}`}
      className="mt-3 space-y-3"
    >
      <input type="hidden" name="maintenanceId" value={m.id} />
      <div className="grid gap-3 sm:grid-cols-[12rem_1fr]">
        <FormField label="Status" name="status" id={`status-${m.id}`}>
          <Select name="status" id={`status-${m.id}`} defaultValue={next}>
            {MAINTENANCE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {INCIDENT_STATUS_LABELS[s]}
              </option>
            ))}
          </Select>
        </FormField>
        <FormField label="Message" name="body" id={`body-${m.id}`}>
          <Textarea name="body" id={`body-${m.id}`} rows={2} required maxLength={20000} />
        </FormField>
      </div>
      <div className="flex items-center justify-between gap-3">
        <Checkbox name="notify" id={`notify-${m.id}`} label="Email subscribers" />
        <SubmitButton pendingLabel="Posting…">Post update</SubmitButton>
      </div>
    </ActionForm>
  );
}

/** Before it starts: change the name, announcement, window and flags. */
function EditForm({ m, tz }: { m: MaintenanceEditDto; tz: string }) {
  const f = (name: string) => `${name}-${m.id}`;
  return (
    <details className="mt-3">
      <summary
        className={
          "inline-block cursor-pointer rounded-md px-2 py-1 text-sm " +
          "text-blue-700 hover:bg-blue-50 dark:text-blue-400 " +
          "dark:hover:bg-blue-950"
        }
      >
        Edit maintenance
      </summary>
      <ActionForm
        action={updateMaintenanceAction}
        aria-label={`Edit ${m.name}`}
        className="mt-2 space-y-3 rounded-md border border-zinc-200 p-3 dark:border-zinc-800"
      >
        <input type="hidden" name="maintenanceId" value={m.id} />
        <FormField label="Name" name="name" id={f("name")}>
          <Input name="name" id={f("name")} required maxLength={255} defaultValue={m.name} />
        </FormField>
        <FormField
          label="Message"
          name="body"
          id={f("body")}
          hint="The announcement (its first timeline entry). Markdown."
        >
          <Textarea name="body" id={f("body")} rows={3} required maxLength={20000} defaultValue={m.body} />
        </FormField>
        <div className="grid gap-3 sm:grid-cols-2">
          <FormField label={`Starts (${tz})`} name="scheduledFor" id={f("scheduledFor")}>
            <Input
              name="scheduledFor"
              id={f("scheduledFor")}
              type="datetime-local"
              required
              defaultValue={m.scheduledFor ? toLocalInput(m.scheduledFor, tz) : ""}
            />
          </FormField>
          <FormField label={`Ends (${tz})`} name="scheduledUntil" id={f("scheduledUntil")}>
            <Input
              name="scheduledUntil"
              id={f("scheduledUntil")}
              type="datetime-local"
              required
              defaultValue={m.scheduledUntil ? toLocalInput(m.scheduledUntil, tz) : ""}
            />
          </FormField>
        </div>
        <div className="grid gap-2 sm:grid-cols-2">
          <Checkbox name="autoStart" id={f("autoStart")} label="Start automatically" defaultChecked={m.autoStart} />
          <Checkbox
            name="autoComplete"
            id={f("autoComplete")}
            label="Complete automatically"
            defaultChecked={m.autoComplete}
          />
          <Checkbox
            name="transitionComponents"
            id={f("transitionComponents")}
            label="Components “under maintenance” during the window"
            defaultChecked={m.transitionComponents}
          />
          <Checkbox
            name="notifyAtStart"
            id={f("notifyAtStart")}
            label="Email subscribers at the start"
            defaultChecked={m.notifyAtStart}
          />
          <Checkbox
            name="notifyAtEnd"
            id={f("notifyAtEnd")}
            label="Email subscribers at the end"
            defaultChecked={m.notifyAtEnd}
          />
        </div>
        <FormField label="Reminder" name="remindMinutes" id={f("remindMinutes")}>
          <RemindSelect name="remindMinutes" id={f("remindMinutes")} value={m.remindMinutes} className="sm:max-w-xs" />
        </FormField>
        <SubmitButton variant="secondary" pendingLabel="Saving…">
          Save changes
        </SubmitButton>
      </ActionForm>
      <ActionForm
        action={cancelMaintenanceAction}
        aria-label={`Cancel ${m.name}`}
        className="mt-3 space-y-3 rounded-md border border-red-200 p-3 dark:border-red-900"
      >
        <input type="hidden" name="maintenanceId" value={m.id} />
        <FormField label="Cancellation message" name="body" id={f("cancel-body")}>
          <Textarea
            name="body"
            id={f("cancel-body")}
            rows={2}
            required
            maxLength={20000}
            defaultValue="This maintenance has been cancelled."
          />
        </FormField>
        <Checkbox name="notify" id={f("cancel-notify")} label="Email subscribers" />
        <ConfirmSubmit
          summary="Cancel maintenance…"
          confirmLabel={`Yes, cancel “${m.name}”`}
          warning="It is marked completed with this message; nothing starts and no component changes."
        />
      </ActionForm>
    </details>
  );
}

export default async function MaintenancePage() {
  const { ctx, page, canEdit } = await requireConsolePage();
  const [items, sections] = await Promise.all([
    listMaintenances(ctx.db, page.id),
    listComponentSections(ctx.db, page.id, { audience: "console" }),
  ]);
  const tz = page.timeZone;
  const start = new Date(Math.ceil((Date.now() + 86_400_000) / 3_600_000) * 3_600_000);
  const open = items.filter((m) => m.status !== "completed");
  const done = items.filter((m) => m.status === "completed");
  const editable = canEdit
    ? await Promise.all(
        open.filter((m) => m.status === "scheduled").map((m) => loadMaintenanceForEdit(ctx.db, page.id, m.id)),
      )
    : [];
  const editById = new Map(editable.map((e) => [e.id, e]));

  return (
    <>
      <PageHeader
        title="Scheduled maintenance"
        description={`Windows are entered and shown in the page's time zone (${tz}).`}
      />
      {!canEdit && <ReadOnlyNotice>You can view maintenance; scheduling needs the editor role.</ReadOnlyNotice>}
      <div className="grid gap-6 lg:grid-cols-[1fr_24rem]">
        <div className="space-y-6">
          <Card title="Upcoming and in progress">
            {open.length === 0 ? (
              <EmptyState>Nothing scheduled.</EmptyState>
            ) : (
              <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
                {open.map((m) => (
                  <li key={m.id} className="py-3" data-testid="maintenance-item">
                    <div className="flex flex-wrap items-baseline justify-between gap-2">
                      <span className="font-medium">{m.name}</span>
                      <span className="text-sm">{INCIDENT_STATUS_LABELS[m.status]}</span>
                    </div>
                    <p className="text-sm text-zinc-600 dark:text-zinc-400">
                      {formatDateTime(m.scheduledFor, tz)} → {formatDateTime(m.scheduledUntil, tz)}
                      {m.components.length > 0 && ` · ${m.components.map((c) => c.name).join(", ")}`}
                    </p>
                    <p className="text-xs text-zinc-500">
                      {m.autoStart ? "Starts automatically" : "Started by hand"} ·{" "}
                      {m.autoComplete ? "completes automatically" : "completed by hand"}
                      {m.remindMinutes !== null && ` · reminder ${m.remindMinutes} min before`}
                    </p>
                    {editById.has(m.id) && <EditForm m={editById.get(m.id)!} tz={tz} />}
                    {canEdit && <UpdateForm m={m} />}
                  </li>
                ))}
              </ul>
            )}
          </Card>
          <Card title="Completed">
            {done.length === 0 ? (
              <EmptyState>No completed maintenance yet.</EmptyState>
            ) : (
              <ul className="divide-y divide-zinc-100 text-sm dark:divide-zinc-800">
                {done.map((m) => (
                  <li key={m.id} className="py-2">
                    <span className="font-medium">{m.name}</span> · {formatDateTime(m.scheduledFor, tz)}
                    {m.backfilled && " · backfilled"}
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </div>
        {canEdit && (
          <Card title="Schedule maintenance">
            <ActionForm action={createMaintenanceAction} resetOnSuccess aria-label="Schedule maintenance">
              <FormField label="Name" name="name">
                <Input name="name" required maxLength={255} />
              </FormField>
              <FormField label="Message" name="body" hint="Markdown.">
                <Textarea name="body" required maxLength={20000} />
              </FormField>
              <FormField label={`Starts (${tz})`} name="scheduledFor">
                <Input name="scheduledFor" type="datetime-local" required defaultValue={toLocalInput(start, tz)} />
              </FormField>
              <FormField label={`Ends (${tz})`} name="scheduledUntil">
                <Input
                  name="scheduledUntil"
                  type="datetime-local"
                  required
                  defaultValue={toLocalInput(new Date(start.getTime() + 3_600_000), tz)}
                />
              </FormField>
              <fieldset>
                <legend className="text-sm font-medium">Affected components</legend>
                <div className="mt-1 max-h-64 overflow-y-auto">
                  <ComponentSections sections={sections} listClassName="space-y-1">
                    {(c) => (
                      <label className="flex items-center gap-2 text-sm">
                        <input type="checkbox" name="componentIds" value={c.id} className="size-4 accent-blue-600" />
                        {c.name}
                      </label>
                    )}
                  </ComponentSections>
                </div>
              </fieldset>
              <div className="space-y-2">
                <Checkbox name="autoStart" label="Start automatically" defaultChecked />
                <Checkbox name="autoComplete" label="Complete automatically" defaultChecked />
                <Checkbox
                  name="transitionComponents"
                  label="Set components to “under maintenance” during the window"
                  defaultChecked
                />
                <Checkbox name="notifyNow" label="Email subscribers now" />
                <Checkbox name="notifyAtStart" label="Email subscribers at the start" />
                <Checkbox name="notifyAtEnd" label="Email subscribers at the end" />
                <Checkbox
                  name="backfilled"
                  label="Backfill: record a past maintenance"
                  hint="No emails, no component changes."
                />
              </div>
              <FormField label="Reminder" name="remindMinutes" hint="The default is set in Settings.">
                <RemindSelect name="remindMinutes" value={page.maintenanceRemindMinutes} />
              </FormField>
              <SubmitButton pendingLabel="Scheduling…">Schedule</SubmitButton>
            </ActionForm>
          </Card>
        )}
      </div>
    </>
  );
}
