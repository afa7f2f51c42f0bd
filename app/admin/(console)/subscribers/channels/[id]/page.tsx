import { requireConsolePage } from "@/app/_server/auth";
import { ActionForm, SubmitButton } from "@/components/admin/action-form";
import { formatDateTime } from "@/components/admin/time";
import { Card, ConfirmForm, EmptyState, linkClass, PageHeader } from "@/components/admin/ui";
import { CHANNEL_KIND_LABELS } from "@/db/constants";
import { getPage } from "@/lib/page/page";
import { channelDeliveryLog, getChannelTarget } from "@/lib/subscribers/channels";
import { reenableChannelAction, removeChannelAction, rotateSecretAction, sendTestAction } from "../actions";

export default async function ChannelTargetPage({ params }: { params: Promise<{ id: string }> }) {
  const { ctx, canEdit, canAdmin } = await requireConsolePage();
  const { id } = await params;
  const p = await getPage(ctx.db);
  const t = await getChannelTarget(ctx, id);
  const log = await channelDeliveryLog(ctx, id);
  const tz = p.timeZone;
  const admin = canAdmin;
  const live = t.state !== "unsubscribed";
  return (
    <>
      <PageHeader
        title={`${CHANNEL_KIND_LABELS[t.kind]}: ${t.label}`}
        description={[
          `${t.state}${t.disabledReason ? ` — ${t.disabledReason}` : ""}`,
          `events: ${t.events.join(", ")}`,
          t.componentIds.length ? `${t.componentIds.length} components` : "all components",
          ...(t.ownerEmail ? [`owner ${t.ownerEmail}`] : []),
        ].join(" · ")}
        actions={
          <a href="/admin/subscribers/channels" className={linkClass}>
            All channels
          </a>
        }
      />
      <div className="space-y-6">
        {live && (
          <Card title="Actions">
            <div className="flex flex-wrap items-start gap-4">
              {canEdit && (
                <ActionForm action={sendTestAction} className="space-y-2">
                  <input type="hidden" name="id" value={t.id} />
                  <SubmitButton variant="secondary">Send test</SubmitButton>
                </ActionForm>
              )}
              {admin && t.state !== "active" && (
                <ActionForm action={reenableChannelAction} className="space-y-2">
                  <input type="hidden" name="id" value={t.id} />
                  <SubmitButton variant="secondary">Re-enable</SubmitButton>
                </ActionForm>
              )}
              {admin && t.kind === "webhook" && (
                <ActionForm action={rotateSecretAction} className="space-y-2">
                  <input type="hidden" name="id" value={t.id} />
                  <SubmitButton variant="secondary">Rotate signing secret</SubmitButton>
                </ActionForm>
              )}
              {admin && (
                <ConfirmForm
                  action={removeChannelAction}
                  fields={{ id: t.id }}
                  label={`Remove ${t.label}`}
                  className=""
                  quiet
                  summary="Remove"
                  confirmLabel="Yes, remove"
                  warning="It stops receiving notifications at once."
                />
              )}
            </div>
          </Card>
        )}
        <Card title="Delivery log" description="The latest 50 notifications queued for this target.">
          {log.length === 0 ? (
            <EmptyState>Nothing queued for this target yet.</EmptyState>
          ) : (
            <table className="w-full text-left text-sm">
              <thead className="text-zinc-500">
                <tr>
                  <th className="py-2">Queued</th>
                  <th>Event</th>
                  <th>Status</th>
                  <th>Attempts</th>
                  <th>Last answer</th>
                </tr>
              </thead>
              <tbody>
                {log.map((d) => (
                  <tr key={d.id} className="border-t border-zinc-100 align-top dark:border-zinc-800">
                    <td className="py-2 whitespace-nowrap">{formatDateTime(d.createdAt, tz)}</td>
                    <td>
                      {d.kind.replace(/_/g, " ")}
                      {d.incidentName ? `: ${d.incidentName}` : ""}
                    </td>
                    <td>
                      {d.status}
                      {d.status === "pending" && d.attempts > 0
                        ? `, next try ${formatDateTime(d.nextAttemptAt, tz)}`
                        : ""}
                      {d.sentAt ? ` ${formatDateTime(d.sentAt, tz)}` : ""}
                    </td>
                    <td>{d.attempts}</td>
                    <td className="max-w-md break-words text-zinc-600 dark:text-zinc-400">
                      {d.lastStatus ? `HTTP ${d.lastStatus}` : ""}
                      {d.lastError ? ` ${d.lastError}` : ""}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
      </div>
    </>
  );
}
