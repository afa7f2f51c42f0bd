import Link from "next/link";
import { requireConsolePage } from "@/app/_server/auth";
import { ActionForm, SubmitButton } from "@/components/admin/action-form";
import { formatDateTime } from "@/components/admin/time";
import { Card, EmptyState, PageHeader } from "@/components/admin/ui";
import { listOutbox } from "@/lib/email/outbox";
import { env } from "@/lib/env";
import { listNotificationSummaries, notificationLabel } from "@/lib/notifications/status";
import { retryFailedAction } from "./actions";

export default async function OutboxPage({ searchParams }: { searchParams: Promise<{ q?: string }> }) {
  const { ctx, page, canEdit } = await requireConsolePage();
  const q = (await searchParams).q;
  const notifications = await listNotificationSummaries(ctx);
  const emails = await listOutbox(ctx.db, { q: typeof q === "string" ? q : undefined });
  const sending = Boolean(env().RESEND_API_KEY);
  const tz = page.timeZone;
  const when = (d: Date) => formatDateTime(d, tz);
  return (
    <>
      <PageHeader
        title="Outbox"
        description={
          sending
            ? "Email is sent through Resend. Below: every notification's delivery state."
            : "No RESEND_API_KEY is set: emails are kept here instead of being sent."
        }
      />
      <div className="space-y-6">
        <Card title="Notifications" description="One per event that notifies subscribers; counts per delivery state.">
          {notifications.length === 0 ? (
            <EmptyState>Nothing has been queued yet.</EmptyState>
          ) : (
            <table className="w-full text-left text-sm">
              <thead className="text-zinc-500">
                <tr>
                  <th className="py-2">Event</th>
                  <th>Queued</th>
                  <th>Sent</th>
                  <th>Pending</th>
                  <th>Failed</th>
                  <th>Skipped</th>
                  <th className="sr-only">Actions</th>
                </tr>
              </thead>
              <tbody>
                {notifications.map((n) => (
                  <tr key={n.id} className="border-t border-zinc-100 dark:border-zinc-800">
                    <td className="py-2">
                      <Link href={`/admin/outbox/notifications/${n.id}`} className="text-blue-700 hover:underline">
                        {notificationLabel(n)}
                      </Link>
                    </td>
                    <td>{when(n.createdAt)}</td>
                    <td>{n.sent}</td>
                    <td>{n.pending}</td>
                    <td className={n.failed ? "font-semibold text-red-700" : ""}>{n.failed}</td>
                    <td>{n.skipped}</td>
                    <td>
                      {n.failed > 0 && canEdit && (
                        <ActionForm action={retryFailedAction} className="" quiet>
                          <input type="hidden" name="id" value={n.id} />
                          <SubmitButton variant="secondary">Retry failed</SubmitButton>
                        </ActionForm>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
        <Card
          title="Stored emails"
          description="What the outbox transport kept (newest first), with the exact HTML, text and headers."
        >
          {/* biome-ignore lint/a11y/useSemanticElements: the form is the landmark */}
          <form method="get" className="mb-3" role="search">
            <input
              name="q"
              type="search"
              defaultValue={q}
              placeholder="Recipient or subject…"
              aria-label="Search stored emails"
              className="rounded-md border border-zinc-300 px-3 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-900"
            />
          </form>
          {emails.length === 0 ? (
            <EmptyState>No stored emails.</EmptyState>
          ) : (
            <ul className="divide-y divide-zinc-100 text-sm dark:divide-zinc-800">
              {emails.map((e) => (
                <li key={e.id} className="flex flex-wrap justify-between gap-2 py-2">
                  <Link href={`/admin/outbox/${e.id}`} className="text-blue-700 hover:underline">
                    {e.subject}
                  </Link>
                  <span className="text-zinc-500">
                    {e.to} · {when(e.createdAt)}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </>
  );
}
