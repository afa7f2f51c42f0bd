// `herald import herald page.json`: restores an export (./format.ts) in ONE
// transaction. Rows are matched by primary key: new ones are inserted, changed
// ones overwritten, the same ones left alone, so restoring a file twice changes
// nothing the second time. Nothing is sent: the outbox is not part of an export.
import { and, eq, getTableColumns, inArray, ne, type Column } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Tx } from "@/db/client";
import {
  apiKey,
  channelTarget,
  component,
  componentGroup,
  componentStatusChange,
  componentVendor,
  incident,
  incidentTemplate,
  integration,
  notification,
  page,
  subscriber,
  user,
} from "@/db/schema";
import { audit } from "../audit";
import { parseInput, requireRole, type Ctx } from "../context";
import { ConflictError } from "../errors";
import { chunks, differs, insertAll } from "../import/rows";
import { bumpContentVersion, getPage, installStateOf } from "../page/page";
import { primaryKeyColumns } from "./export";
import { EXPORTED, HeraldExport, type ExportedTable } from "./format";

export interface RestoreCounts {
  created: number;
  updated: number;
  unchanged: number;
}

export interface RestorePlan {
  dryRun: boolean;
  pageName: string;
  /** "replaced": the install's empty page made way for the exported one (its id kept). */
  page: "replaced" | "updated" | "unchanged";
  counts: Record<ExportedTable, RestoreCounts>;
  changed: boolean;
}

class DryRun extends Error {}

type Row = Record<string, unknown>;

/** Tables whose rows belong to a page: a page with any of them is not "empty". */
const PAGE_CONTENT = [
  componentGroup,
  component,
  componentStatusChange,
  incident,
  incidentTemplate,
  subscriber,
  channelTarget,
  integration,
  componentVendor,
  apiKey,
  notification,
] as const;

export async function restoreExport(ctx: Ctx, input: unknown, opts: { dryRun: boolean }): Promise<RestorePlan> {
  // Users, their roles and API keys come back with the page: owner only.
  requireRole(ctx.actor, "owner");
  const data = parseInput(HeraldExport, input);
  const plan: RestorePlan = {
    dryRun: opts.dryRun,
    pageName: String(data.page.name),
    page: "unchanged",
    counts: Object.fromEntries(
      Object.keys(EXPORTED).map((k) => [k, { created: 0, updated: 0, unchanged: 0 }]),
    ) as RestorePlan["counts"],
    changed: false,
  };
  try {
    await ctx.db.transaction(async (tx) => {
      const now = ctx.now();
      const pageId = await restorePage(tx, data, plan, now);
      await checkUsers(tx, data);
      for (const key of Object.keys(EXPORTED) as ExportedTable[])
        await upsertRows(tx, EXPORTED[key], data.tables[key], plan.counts[key]);
      plan.changed ||= Object.values(plan.counts).some((c) => c.created + c.updated > 0);
      if (plan.changed) {
        await bumpContentVersion(tx, pageId, now);
        await audit(tx, ctx, {
          pageId,
          action: "import.herald",
          entityType: "page",
          entityId: pageId,
          after: { page: plan.page, counts: plan.counts },
        });
      }
      if (opts.dryRun) throw new DryRun();
    });
  } catch (err) {
    if (err instanceof DryRun) return plan;
    // A live subscription or a unique name clashing with a row already here.
    if (err instanceof Error && /UNIQUE constraint failed/.test(`${err.message} ${String(err.cause ?? "")}`))
      throw new ConflictError(
        "The export clashes with data already in this Herald (the same address, key or email under another id)",
      );
    throw err;
  }
  return plan;
}

/**
 * The exported page keeps its id (it is the `page.id` of the v2 JSON). This
 * install's page is either that page already, or the empty one a fresh
 * install makes at first start, which the exported page then replaces.
 */
async function restorePage(tx: Tx, data: HeraldExport, plan: RestorePlan, now: Date): Promise<string> {
  const target = await getPage(tx);
  const wanted = data.page as Row & { id: string };
  if (target.id === wanted.id) {
    if (differs(target, wanted)) {
      await tx
        .update(page)
        .set({ ...wanted, updatedAt: now })
        .where(eq(page.id, target.id));
      plan.page = "updated";
      plan.changed = true;
    }
    return target.id;
  }
  for (const table of PAGE_CONTENT) {
    if (await tx.$count(table, eq(table.pageId, target.id)))
      throw new ConflictError(
        "This Herald already has a page with content: " +
          "restore into a fresh install, or one restored from this same export",
      );
  }
  await tx.insert(page).values({
    ...(wanted as typeof page.$inferInsert),
    ...installStateOf(target),
    updatedAt: now,
  });
  await tx.delete(page).where(eq(page.id, target.id));
  plan.page = "replaced";
  plan.changed = true;
  return wanted.id;
}

/**
 * Console users are matched by id; the same email or a second owner under
 * another id is a clear refusal, not a merge.
 */
async function checkUsers(tx: Tx, data: HeraldExport) {
  for (const u of data.tables.user) {
    const id = String(u.id);
    const sameEmail = await tx.query.user.findFirst({
      where: and(eq(user.email, String(u.email)), ne(user.id, id)),
      columns: { id: true },
    });
    if (sameEmail) throw new ConflictError(`The console user ${String(u.email)} already exists here under another id`);
    if (u.role === "owner") {
      const owner = await tx.query.user.findFirst({
        where: and(eq(user.role, "owner"), ne(user.id, id)),
        columns: { id: true },
      });
      if (owner) throw new ConflictError("This Herald already has another owner");
    }
  }
}

/** The property name drizzle uses for a column (rows are keyed by it, not by the SQL name). */
function colKey(c: Column): string {
  return Object.entries(getTableColumns(c.table)).find(([, v]) => v === c)?.[0] ?? c.name;
}

const keyOf = (pk: Column[], row: Row) => JSON.stringify(pk.map((c) => row[colKey(c)]));

async function upsertRows(tx: Tx, table: SQLiteTable, rows: Row[], counts: RestoreCounts) {
  const pk = primaryKeyColumns(table);
  const existing = new Map<string, Row>();
  // Found by the first key column: enough to narrow, the full key decides.
  for (const chunk of chunks([...new Set(rows.map((r) => r[colKey(pk[0])]))])) {
    const found = (await tx.select().from(table).where(inArray(pk[0], chunk))) as Row[];
    for (const r of found) existing.set(keyOf(pk, r), r);
  }
  const fresh: Row[] = [];
  for (const row of rows) {
    const had = existing.get(keyOf(pk, row));
    if (!had) {
      fresh.push(row);
      counts.created++;
    } else if (differs(had, row)) {
      await tx
        .update(table)
        .set(row)
        .where(and(...pk.map((c) => eq(c, row[colKey(c)]))));
      counts.updated++;
    } else counts.unchanged++;
  }
  await insertAll(fresh, (chunk) => tx.insert(table).values(chunk));
}
