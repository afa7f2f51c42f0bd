import { requireUser } from "@/app/_server/auth";
import { Card, EmptyState, PageHeader } from "@/components/admin/ui";
import { listDeliveries } from "@/lib/notifications/status";

export default async function NotificationDeliveriesPage({ params }: { params: Promise<{ id: string }> }) {
  const { ctx } = await requireUser();
  const rows = await listDeliveries(ctx, (await params).id);
  return (
    <>
      <PageHeader title="Deliveries" description="Failures first; the first 200 recipients." />
      <Card>
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
                  <td>{(d.sentAt ?? d.nextAttemptAt).toISOString().replace("T", " ").slice(0, 19)}</td>
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
