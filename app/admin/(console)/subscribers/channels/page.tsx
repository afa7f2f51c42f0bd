import { requireConsolePage } from "@/app/_server/auth";
import { ActionForm, SubmitButton } from "@/components/admin/action-form";
import { formatDate } from "@/components/admin/time";
import { Card, EmptyState, FormField, linkClass, PageHeader } from "@/components/admin/ui";
import { Input, Select } from "@/components/ui/form";
import { CHANNEL_EVENT_LABELS, CHANNEL_EVENTS, CHANNEL_KIND_LABELS, CHANNEL_KINDS } from "@/db/constants";
import { listComponents } from "@/lib/components/components";
import { getPage } from "@/lib/page/page";
import { listChannelTargets } from "@/lib/subscribers/channels";
import { addChannelAction } from "./actions";

/** A checkbox that submits its own value (several share one name). */
function ValueCheckbox(props: { name: string; value: string; label: string; defaultChecked?: boolean }) {
  return (
    <label className="flex items-center gap-2 text-sm">
      <input
        type="checkbox"
        name={props.name}
        value={props.value}
        defaultChecked={props.defaultChecked}
        className="size-4 rounded border-zinc-300 accent-blue-600"
      />
      {props.label}
    </label>
  );
}

export default async function ChannelsPage() {
  const { ctx, canAdmin } = await requireConsolePage();
  const p = await getPage(ctx.db);
  const targets = await listChannelTargets(ctx);
  const components = (await listComponents(ctx.db, p.id)).filter((c) => !c.hidden && !c.deletedAt);
  return (
    <>
      <PageHeader
        title="Channels"
        description={
          "Webhook, Slack, Microsoft Teams and Discord targets: each gets every incident and maintenance " +
          "notification it chose, from the same outbox as email."
        }
        actions={
          <a href="/admin/subscribers" className={linkClass}>
            Email subscribers
          </a>
        }
      />
      <div className="space-y-6">
        <Card>
          {targets.length === 0 ? (
            <EmptyState>No channel targets yet.</EmptyState>
          ) : (
            <table className="w-full text-left text-sm">
              <thead className="text-zinc-500">
                <tr>
                  <th className="py-2">Target</th>
                  <th>Kind</th>
                  <th>State</th>
                  <th>Events</th>
                  <th>Added</th>
                </tr>
              </thead>
              <tbody>
                {targets.map((t) => (
                  <tr key={t.id} className="border-t border-zinc-100 dark:border-zinc-800">
                    <td className="py-2">
                      <a href={`/admin/subscribers/channels/${t.id}`} className={linkClass}>
                        {t.label}
                      </a>
                    </td>
                    <td>{CHANNEL_KIND_LABELS[t.kind]}</td>
                    <td>
                      {t.state}
                      {t.state === "active" && t.consecutiveFailures > 0
                        ? ` (${t.consecutiveFailures} failed in a row)`
                        : ""}
                    </td>
                    <td>
                      {t.events.join(", ")}
                      {t.componentIds.length ? ` · ${t.componentIds.length} components` : ""}
                    </td>
                    <td>
                      {formatDate(t.createdAt, p.timeZone)} by {t.addedBy}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
        {canAdmin && (
          <Card
            title="Add a target"
            description={
              "Active at once. Webhooks are signed (Standard Webhooks); the secret is shown once after " + "adding."
            }
          >
            <ActionForm action={addChannelAction} resetOnSuccess>
              <FormField label="Kind" name="kind">
                <Select id="kind" name="kind" defaultValue="webhook">
                  {CHANNEL_KINDS.map((k) => (
                    <option key={k} value={k}>
                      {CHANNEL_KIND_LABELS[k]}
                    </option>
                  ))}
                </Select>
              </FormField>
              <FormField
                label="URL"
                name="url"
                hint={
                  "Slack: an incoming-webhook URL. Teams: a Workflows webhook URL. Discord: a channel webhook " +
                  "URL. https only."
                }
              >
                <Input id="url" name="url" type="url" required maxLength={2000} />
              </FormField>
              <FormField
                label="Owner email (optional)"
                name="ownerEmail"
                hint="Told if the target is disabled after failures."
              >
                <Input id="ownerEmail" name="ownerEmail" type="email" maxLength={254} />
              </FormField>
              <fieldset className="space-y-1">
                <legend className="text-sm font-medium">Events</legend>
                {CHANNEL_EVENTS.map((e) => (
                  <ValueCheckbox key={e} name="events" value={e} label={CHANNEL_EVENT_LABELS[e]} defaultChecked />
                ))}
              </fieldset>
              {components.length > 0 && (
                <fieldset className="space-y-1">
                  <legend className="text-sm font-medium">Components (none chosen: all)</legend>
                  {components.map((c) => (
                    <ValueCheckbox key={c.id} name="componentIds" value={c.id} label={c.name} />
                  ))}
                </fieldset>
              )}
              <SubmitButton>Add target</SubmitButton>
            </ActionForm>
          </Card>
        )}
      </div>
    </>
  );
}
