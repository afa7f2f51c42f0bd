// The page's component order, the one the public status page shows:
// ungrouped components first, then each group (by position) with its members
// (by position). Positions are per group, so a flat sort by position
// interleaves groups; every list of components a person picks from or reads
// (subscribe and manage forms, maintenance and template forms, metrics) goes
// through here instead.
import type { Tx } from "@/db/client";
import type { Component } from "@/db/schema";
import { publicOnly, scopeFor } from "../public/visibility";
import { listComponents, listGroups } from "./components";

export interface ComponentSection<C> {
  /** null: the components outside any group. */
  group: { id: string; name: string } | null;
  components: C[];
}

type Orderable = { id: string; groupId: string | null; position: number; createdAt: Date };
type GroupLike = { id: string; name: string; position: number; createdAt: Date };

const byPosition = (a: { position: number; createdAt: Date }, b: { position: number; createdAt: Date }) =>
  a.position - b.position || a.createdAt.getTime() - b.createdAt.getTime();

/**
 * Components in page order, in sections: the ungrouped ones (if any), then
 * every group that has members. A component of a group not in `groups` (a
 * hidden group left out by the caller) is left out with it.
 */
export function sectionsInPageOrder<C extends Orderable>(
  components: readonly C[],
  groups: readonly GroupLike[],
): ComponentSection<C>[] {
  const sorted = [...components].sort(byPosition);
  const ungrouped = sorted.filter((c) => c.groupId === null);
  const sections: ComponentSection<C>[] = ungrouped.length ? [{ group: null, components: ungrouped }] : [];
  for (const g of [...groups].sort(byPosition)) {
    const members = sorted.filter((c) => c.groupId === g.id);
    if (members.length) sections.push({ group: { id: g.id, name: g.name }, components: members });
  }
  return sections;
}

/** Each component id's place in page order (0-based), for sorting rows that carry a component id. */
export function pageOrderIndex(sections: readonly ComponentSection<{ id: string }>[]): Map<string, number> {
  return new Map(sections.flatMap((s) => s.components).map((c, i) => [c.id, i]));
}

/**
 * The page's components in sections. `audience: "public"` keeps what the
 * public page shows: no hidden components, and no hidden group nor its members
 * (lib/public/visibility.ts publicOnly), and nothing restricted to an audience. The console sees everything not
 * deleted.
 */
export async function listComponentSections(
  db: Tx,
  pageId: string,
  opts: { audience: "public" | "console" },
): Promise<ComponentSection<Component>[]> {
  const [components, groups] = await Promise.all([listComponents(db, pageId), listGroups(db, pageId)]);
  const shown =
    opts.audience === "public" ? publicOnly(components, groups, await scopeFor(db, pageId)) : { components, groups };
  return sectionsInPageOrder(shown.components, shown.groups);
}
