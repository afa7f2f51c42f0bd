import { ComponentStatusBadge } from "@/components/admin/badges";
import { Card } from "@/components/admin/ui";
import type { ConsoleIncidentDetail } from "@/lib/incidents/queries";

export function AffectedCard({ incident }: { incident: ConsoleIncidentDetail }) {
  return (
    <Card title="Affected components">
      {incident.components.length ? (
        <ul className="space-y-2">
          {incident.components.map((c) => (
            <li key={c.id} className="flex items-center justify-between gap-2 text-sm">
              <span>{c.name}</span>
              {c.currentStatus ? (
                <ComponentStatusBadge status={c.currentStatus} />
              ) : (
                <span className="text-xs text-zinc-500">deleted</span>
              )}
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-sm text-zinc-500">None named.</p>
      )}
    </Card>
  );
}
