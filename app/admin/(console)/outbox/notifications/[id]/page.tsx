import { notFound } from "next/navigation";
import { requireUser } from "@/app/_server/auth";
import { formatDateTime } from "@/components/admin/time";
import { Card, EmptyState, PageHeader } from "@/components/admin/ui";
import { getPage } from "@/lib/page/page";
import { getNotificationSummary, listDeliveries, notificationLabel } from "@/lib/notifications/status";
import { BackToOutbox } from "../../back-link";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  const { ctx } = await requireUser();
  const n = await getNotificationSummary(ctx, (await params).id);
  return { title: `${n ? notificationLabel(n) : "Notification"} · Outbox · Herald` };
}

export default async function NotificationDeliveriesPage({ params }: { params: Promise<{ id: string }> }) {
  const { ctx } = await requireUser();
  const id = (await params).id;
  const [n, page] = await Promise.all([getNotificationSummary(ctx, id), getPage(ctx.db)]);
  if (!n) notFound();
  const rows = await listDeliveries(ctx, id);
  const tz = page.timeZone;
  return (
    <>
      <BackToOutbox />
      <PageHeader
        title={notificationLabel(n)}
        description={
          <>
            Queued {formatDateTime(n.createdAt, tz)} · {n.sent} sent, {n.pending} pending, {n.failed} failed,{" "}
            {n.skipped} skipped. Deliveries, failures first; the first 200 recipients.
          </>
        }
      />
      <Card title="Deliveries">
        {rows.length === 0 ? (
          <EmptyState>No deliveries.</EmptyState>
        ) : (
          <table className="w-full text-left text-sm">
            <thead className="text-zinc-500">
              <tr>
                <th className="py-2">Recipient</th>
                <th>Status</th>
                <th>Attempts</th>
                <th>Sent / next try</th>
                <th>Last error</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((d) => (
                <tr key={d.id} className="border-t border-zinc-100 dark:border-zinc-800">
                  <td className="py-2">{d.email}</td>
                  <td>{d.status}</td>
                  <td>{d.attempts}</td>
                  <td className="whitespace-nowrap">{formatDateTime(d.sentAt ?? d.nextAttemptAt, tz)}</td>
                  <td className="text-red-700">{d.lastError}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </>
  );
}
