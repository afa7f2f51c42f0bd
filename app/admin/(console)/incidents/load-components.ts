import "server-only";
import type { Tx } from "@/db/client";
import type { PickerComponent } from "@/components/admin/component-picker";
import { listComponents, listGroups } from "@/lib/components/components";

/** Components in display order (groups first, in group order, then ungrouped) for the status pickers. */
export async function pickerComponents(db: Tx, pageId: string): Promise<PickerComponent[]> {
  const groups = await listGroups(db, pageId);
  const components = await listComponents(db, pageId);
  const ordered = [
    ...groups.flatMap((g) => components.filter((c) => c.groupId === g.id)),
    ...components.filter((c) => !c.groupId),
  ];
  const groupName = new Map(groups.map((g) => [g.id, g.name]));
  return ordered.map((c) => ({
    id: c.id,
    name: c.name,
    status: c.status,
    groupName: c.groupId ? (groupName.get(c.groupId) ?? null) : null,
    hidden: c.hidden,
  }));
}
