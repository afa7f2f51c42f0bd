import { requireConsolePage } from "@/app/_server/auth";
import { ActionForm, SubmitButton } from "@/components/admin/action-form";
import { ComponentStatusBadge } from "@/components/admin/badges";
import { Card, Checkbox, ConfirmForm, EmptyState, FormField, PageHeader, ReadOnlyNotice } from "@/components/admin/ui";
import { Input, Select } from "@/components/ui/form";
import { COMPONENT_STATUS_LABELS, COMPONENT_STATUSES } from "@/db/constants";
import { componentDto, groupDto, listComponents, listGroups } from "@/lib/components/components";
import { listComponentVendors, type VendorView } from "@/lib/vendors/vendors";
import {
  createComponentAction,
  createGroupAction,
  deleteComponentAction,
  deleteGroupAction,
  moveComponentAction,
  moveGroupAction,
  setComponentStatusAction,
  updateComponentAction,
  updateGroupAction,
} from "./actions";
import { VendorForm, VendorLine } from "./vendor-settings";

export const metadata = { title: "Components · Herald" };

type ComponentItem = ReturnType<typeof componentDto>;
type GroupItem = ReturnType<typeof groupDto>;

const smallButton =
  "rounded-md border border-zinc-300 bg-white px-2 py-1 text-xs font-medium hover:bg-zinc-50 disabled:opacity-40 " +
  "dark:border-zinc-700 dark:bg-zinc-900 dark:hover:bg-zinc-800";

function MoveButtons({
  action,
  id,
  name,
  first,
  last,
}: {
  action: typeof moveComponentAction;
  id: string;
  name: string;
  first: boolean;
  last: boolean;
}) {
  return (
    <ActionForm action={action} quiet className="flex items-center gap-1" aria-label={`Move ${name}`}>
      <input type="hidden" name="id" value={id} />
      <button
        type="submit"
        name="direction"
        value="up"
        disabled={first}
        className={smallButton}
        aria-label={`Move ${name} up`}
      >
        ↑
      </button>
      <button
        type="submit"
        name="direction"
        value="down"
        disabled={last}
        className={smallButton}
        aria-label={`Move ${name} down`}
      >
        ↓
      </button>
    </ActionForm>
  );
}

function GroupSelect({ id, groups, value }: { id: string; groups: GroupItem[]; value: string | null }) {
  return (
    <Select name="groupId" id={id} defaultValue={value ?? ""}>
      <option value="">No group</option>
      {groups.map((g) => (
        <option key={g.id} value={g.id}>
          {g.name}
        </option>
      ))}
    </Select>
  );
}

function ComponentFields({
  prefix,
  groups,
  c,
  pageTarget,
}: {
  prefix: string;
  groups: GroupItem[];
  c?: ComponentItem;
  pageTarget: number;
}) {
  return (
    <>
      <FormField label="Name" name="name" id={`${prefix}-name`}>
        <Input name="name" id={`${prefix}-name`} defaultValue={c?.name} required maxLength={255} />
      </FormField>
      <FormField
        label="Description"
        name="description"
        id={`${prefix}-description`}
        hint="Optional, shown as a tooltip on the status page."
      >
        <Input name="description" id={`${prefix}-description`} defaultValue={c?.description ?? ""} maxLength={1000} />
      </FormField>
      <div className="grid gap-3 sm:grid-cols-2">
        <FormField label="Group" name="groupId" id={`${prefix}-group`}>
          <GroupSelect id={`${prefix}-group`} groups={groups} value={c?.groupId ?? null} />
        </FormField>
        <FormField label="Start date" name="startDate" id={`${prefix}-start`} hint="Uptime is counted from this day.">
          <Input name="startDate" id={`${prefix}-start`} type="date" defaultValue={c?.startDate ?? ""} />
        </FormField>
        <FormField
          label="Uptime target (%)"
          name="uptimeTarget"
          id={`${prefix}-uptime-target`}
          hint={`Compared against on the metrics page. Blank: the page's target (${pageTarget} %).`}
        >
          <Input
            name="uptimeTarget"
            id={`${prefix}-uptime-target`}
            type="number"
            step="0.001"
            min="0"
            max="100"
            placeholder={String(pageTarget)}
            defaultValue={c?.uptimeTarget ?? ""}
          />
        </FormField>
      </div>
      <div className="space-y-2">
        <Checkbox
          name="showcase"
          id={`${prefix}-showcase`}
          label="Show uptime bars"
          defaultChecked={c?.showcase ?? true}
        />
        <Checkbox
          name="onlyShowIfDegraded"
          id={`${prefix}-degraded`}
          label="Only show when not operational"
          defaultChecked={c?.onlyShowIfDegraded ?? false}
        />
        <Checkbox
          name="hidden"
          id={`${prefix}-hidden`}
          label="Hidden from the public page"
          defaultChecked={c?.hidden ?? false}
        />
      </div>
    </>
  );
}

function ComponentRow({
  c,
  groups,
  canEdit,
  canAdmin,
  first,
  last,
  pageTarget,
  vendor,
  tz,
}: {
  c: ComponentItem;
  groups: GroupItem[];
  canEdit: boolean;
  canAdmin: boolean;
  first: boolean;
  last: boolean;
  pageTarget: number;
  vendor: VendorView | undefined;
  tz: string;
}) {
  return (
    <li className="px-5 py-3" data-testid="component-row" data-component={c.name}>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-2">
            <span className="font-medium">{c.name}</span>
            {c.hidden && (
              <span
                className={
                  "rounded bg-zinc-100 px-1.5 py-0.5 text-xs text-zinc-600 " + "dark:bg-zinc-800 dark:text-zinc-300"
                }
              >
                Hidden
              </span>
            )}
            {c.onlyShowIfDegraded && (
              <span
                className={
                  "rounded bg-zinc-100 px-1.5 py-0.5 text-xs text-zinc-600 " + "dark:bg-zinc-800 dark:text-zinc-300"
                }
              >
                Only when degraded
              </span>
            )}
          </div>
          {c.description && <p className="mt-0.5 text-sm text-zinc-600 dark:text-zinc-400">{c.description}</p>}
          {vendor && <VendorLine componentId={c.id} name={c.name} vendor={vendor} tz={tz} canEdit={canEdit} />}
        </div>
        <div className="flex flex-wrap items-center gap-2">
          {canEdit ? (
            <ActionForm
              action={setComponentStatusAction}
              quiet
              className="flex flex-wrap items-center gap-2"
              aria-label={`Status of ${c.name}`}
            >
              <input type="hidden" name="id" value={c.id} />
              <ComponentStatusBadge status={c.status} />
              <label htmlFor={`status-${c.id}`} className="sr-only">
                New status for {c.name}
              </label>
              <select
                id={`status-${c.id}`}
                name="status"
                defaultValue={c.status}
                className={
                  "rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 " +
                  "dark:bg-zinc-900"
                }
              >
                {COMPONENT_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {COMPONENT_STATUS_LABELS[s]}
                  </option>
                ))}
              </select>
              <label className="flex items-center gap-1 text-xs text-zinc-600 dark:text-zinc-400">
                <input type="checkbox" name="notify" defaultChecked={!c.hidden} disabled={c.hidden} />
                Notify subscribers
              </label>
              <SubmitButton variant="secondary" className="!py-1">
                Set
              </SubmitButton>
            </ActionForm>
          ) : (
            <ComponentStatusBadge status={c.status} />
          )}
        </div>
      </div>
      {canAdmin && (
        <div className="mt-2 flex flex-wrap items-start gap-2">
          <MoveButtons action={moveComponentAction} id={c.id} name={c.name} first={first} last={last} />
          <details className="min-w-0 flex-1 basis-40">
            <summary
              className={
                "inline-block cursor-pointer rounded-md px-2 py-1 text-sm " +
                "text-blue-700 hover:bg-blue-50 dark:text-blue-400 " +
                "dark:hover:bg-blue-950"
              }
            >
              Edit
            </summary>
            <ActionForm
              action={updateComponentAction}
              className="mt-2 space-y-3 rounded-md border border-zinc-200 p-3 dark:border-zinc-800"
              aria-label={`Edit ${c.name}`}
            >
              <input type="hidden" name="id" value={c.id} />
              <ComponentFields prefix={`c-${c.id}`} groups={groups} c={c} pageTarget={pageTarget} />
              <SubmitButton variant="secondary" pendingLabel="Saving…">
                Save component
              </SubmitButton>
            </ActionForm>
          </details>
          <VendorForm componentId={c.id} name={c.name} vendor={vendor} />
          <ConfirmForm
            action={deleteComponentAction}
            fields={{ id: c.id }}
            label={`Delete ${c.name}`}
            className="space-y-2"
            summary="Delete"
            confirmLabel={`Delete ${c.name}`}
            warning="It disappears from the status page. Its history stays in past incidents."
          />
        </div>
      )}
    </li>
  );
}

export default async function ComponentsPage() {
  const { ctx, page, canEdit, canAdmin } = await requireConsolePage();
  const groups = (await listGroups(ctx.db, page.id)).map(groupDto);
  const components = (await listComponents(ctx.db, page.id)).map(componentDto);
  const ungrouped = components.filter((c) => !c.groupId);
  const vendors = await listComponentVendors(ctx.db, page.id);

  const list = (items: ComponentItem[]) =>
    items.length ? (
      <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
        {items.map((c, i) => (
          <ComponentRow
            key={c.id}
            c={c}
            groups={groups}
            canEdit={canEdit}
            canAdmin={canAdmin}
            first={i === 0}
            last={i === items.length - 1}
            pageTarget={page.slaTarget}
            vendor={vendors.get(c.id)}
            tz={page.timeZone}
          />
        ))}
      </ul>
    ) : (
      <p className="px-5 py-4 text-sm text-zinc-500">No components in this group.</p>
    );

  return (
    <>
      <PageHeader
        title="Components"
        description="What your status page reports on. Groups show the worst status of their members."
      />
      {!canEdit && <ReadOnlyNotice>You have read-only access.</ReadOnlyNotice>}
      {canEdit && !canAdmin && (
        <ReadOnlyNotice>Editors set component statuses; an admin manages the structure.</ReadOnlyNotice>
      )}
      <div className="grid items-start gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          {!groups.length && !components.length && (
            <EmptyState>No components yet. Add your first one{canAdmin ? " on the right" : ""}.</EmptyState>
          )}
          {groups.map((g, i) => {
            const members = components.filter((c) => c.groupId === g.id);
            return (
              <section
                key={g.id}
                aria-label={`Group ${g.name}`}
                className="rounded-lg border border-zinc-200 bg-white shadow-sm dark:border-zinc-800 dark:bg-zinc-900"
              >
                <header className="border-b border-zinc-200 px-5 py-3 dark:border-zinc-800">
                  <div className="flex flex-wrap items-center justify-between gap-2">
                    <div className="min-w-0">
                      <h2 className="font-semibold">
                        {g.name}
                        {g.hidden && (
                          <span
                            className={
                              "ml-2 rounded bg-zinc-100 px-1.5 py-0.5 text-xs font-normal " +
                              "text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300"
                            }
                          >
                            Hidden
                          </span>
                        )}
                      </h2>
                      {g.description && <p className="text-sm text-zinc-600 dark:text-zinc-400">{g.description}</p>}
                    </div>
                    <span className="text-xs text-zinc-500">
                      Group · {members.length} component{members.length === 1 ? "" : "s"}
                    </span>
                  </div>
                  {canAdmin && (
                    <div className="mt-2 flex flex-wrap items-start gap-2">
                      <MoveButtons
                        action={moveGroupAction}
                        id={g.id}
                        name={g.name}
                        first={i === 0}
                        last={i === groups.length - 1}
                      />
                      <details className="min-w-0 flex-1 basis-40">
                        <summary
                          className={
                            "inline-block cursor-pointer rounded-md px-2 py-1 text-sm " +
                            "text-blue-700 hover:bg-blue-50 dark:text-blue-400 " +
                            "dark:hover:bg-blue-950"
                          }
                        >
                          Edit group
                        </summary>
                        <ActionForm
                          action={updateGroupAction}
                          className="mt-2 space-y-3 rounded-md border border-zinc-200 p-3 dark:border-zinc-800"
                          aria-label={`Edit group ${g.name}`}
                        >
                          <input type="hidden" name="id" value={g.id} />
                          <FormField label="Name" name="name" id={`g-${g.id}-name`}>
                            <Input name="name" id={`g-${g.id}-name`} defaultValue={g.name} required maxLength={255} />
                          </FormField>
                          <FormField label="Description" name="description" id={`g-${g.id}-description`}>
                            <Input
                              name="description"
                              id={`g-${g.id}-description`}
                              defaultValue={g.description ?? ""}
                              maxLength={1000}
                            />
                          </FormField>
                          <Checkbox
                            name="hidden"
                            id={`g-${g.id}-hidden`}
                            label="Hidden from the public page"
                            defaultChecked={g.hidden}
                          />
                          <SubmitButton variant="secondary" pendingLabel="Saving…">
                            Save group
                          </SubmitButton>
                        </ActionForm>
                      </details>
                      <ConfirmForm
                        action={deleteGroupAction}
                        fields={{ id: g.id }}
                        label={`Delete group ${g.name}`}
                        className="space-y-2"
                        summary="Delete group"
                        confirmLabel={`Delete group ${g.name}`}
                        warning="Its components stay, ungrouped."
                      />
                    </div>
                  )}
                </header>
                {list(members)}
              </section>
            );
          })}
          {(ungrouped.length > 0 || groups.length > 0) && (
            <section
              aria-label="Ungrouped components"
              className="rounded-lg border border-zinc-200 bg-white shadow-sm dark:border-zinc-800 dark:bg-zinc-900"
            >
              <h2 className="border-b border-zinc-200 px-5 py-3 font-semibold dark:border-zinc-800">Ungrouped</h2>
              {ungrouped.length ? (
                list(ungrouped)
              ) : (
                <p className="px-5 py-4 text-sm text-zinc-500">Every component is in a group.</p>
              )}
            </section>
          )}
        </div>
        {canAdmin && (
          <div className="space-y-6">
            <Card title="Add component">
              <ActionForm action={createComponentAction} resetOnSuccess aria-label="Add component">
                <ComponentFields prefix="new-component" groups={groups} pageTarget={page.slaTarget} />
                <SubmitButton pendingLabel="Adding…">Add component</SubmitButton>
              </ActionForm>
            </Card>
            <Card title="Add group">
              <ActionForm action={createGroupAction} resetOnSuccess aria-label="Add group">
                <FormField label="Name" name="name" id="new-group-name">
                  <Input name="name" id="new-group-name" required maxLength={255} />
                </FormField>
                <FormField label="Description" name="description" id="new-group-description">
                  <Input name="description" id="new-group-description" maxLength={1000} />
                </FormField>
                <Checkbox name="hidden" id="new-group-hidden" label="Hidden from the public page" />
                <SubmitButton pendingLabel="Adding…">Add group</SubmitButton>
              </ActionForm>
            </Card>
          </div>
        )}
      </div>
    </>
  );
}
