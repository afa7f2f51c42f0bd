import { asc, eq, inArray, type Column, type SQL } from "drizzle-orm";
import { getTableConfig, type SQLiteTable } from "drizzle-orm/sqlite-core";
import { channelTarget, incident, incidentUpdate, integration, subscriber } from "@/db/schema";
import { requireRole, type Ctx } from "../context";
import { getPage } from "../page/page";
import { EXPORT_FORMAT, EXPORT_VERSION, EXPORTED, exportedColumns, type ExportedTable } from "./format";

type JsonRow = Record<string, unknown>;

export interface HeraldExportJson {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  page: JsonRow;
  tables: Record<ExportedTable, JsonRow[]>;
}

/** The primary key's columns: rows are written in their order, so two exports of the same data are byte-identical. */
export function primaryKeyColumns(table: SQLiteTable): Column[] {
  const { columns, primaryKeys } = getTableConfig(table);
  const single = columns.filter((c) => c.primary);
  return single.length ? single : (primaryKeys[0]?.columns ?? []);
}

function toJson(key: ExportedTable | "page", row: Record<string, unknown>): JsonRow {
  return Object.fromEntries(
    Object.keys(exportedColumns(key)).map((k) => {
      const v = row[k];
      return [k, v instanceof Date ? v.toISOString() : v];
    }),
  );
}

/**
 * Everything needed to move or back up the page (lib/portability/format.ts
 * says what is left out and why). Owners and admins only: it holds every
 * subscriber's address and the console's password hashes.
 */
export async function exportPage(ctx: Ctx): Promise<HeraldExportJson> {
  requireRole(ctx.actor, "admin");
  // One read transaction: a consistent copy even while the site is being written to.
  return ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    const incidents = tx.select({ id: incident.id }).from(incident).where(eq(incident.pageId, p.id));
    const updates = tx
      .select({ id: incidentUpdate.id })
      .from(incidentUpdate)
      .where(inArray(incidentUpdate.incidentId, incidents));
    const subscribers = tx.select({ id: subscriber.id }).from(subscriber).where(eq(subscriber.pageId, p.id));
    const targets = tx.select({ id: channelTarget.id }).from(channelTarget).where(eq(channelTarget.pageId, p.id));
    const integrations = tx.select({ id: integration.id }).from(integration).where(eq(integration.pageId, p.id));
    const scope: Record<ExportedTable, SQL | undefined> = {
      user: undefined,
      account: undefined,
      componentGroup: eq(EXPORTED.componentGroup.pageId, p.id),
      component: eq(EXPORTED.component.pageId, p.id),
      componentStatusChange: eq(EXPORTED.componentStatusChange.pageId, p.id),
      incident: eq(EXPORTED.incident.pageId, p.id),
      incidentUpdate: inArray(EXPORTED.incidentUpdate.incidentId, incidents),
      incidentUpdateComponent: inArray(EXPORTED.incidentUpdateComponent.incidentUpdateId, updates),
      incidentNote: inArray(EXPORTED.incidentNote.incidentId, incidents),
      incidentTemplate: eq(EXPORTED.incidentTemplate.pageId, p.id),
      subscriber: eq(EXPORTED.subscriber.pageId, p.id),
      subscriberComponent: inArray(EXPORTED.subscriberComponent.subscriberId, subscribers),
      subscriberIncident: inArray(EXPORTED.subscriberIncident.subscriberId, subscribers),
      channelTarget: eq(EXPORTED.channelTarget.pageId, p.id),
      channelTargetComponent: inArray(EXPORTED.channelTargetComponent.targetId, targets),
      integration: eq(EXPORTED.integration.pageId, p.id),
      integrationRule: inArray(EXPORTED.integrationRule.integrationId, integrations),
      componentVendor: eq(EXPORTED.componentVendor.pageId, p.id),
      apiKey: eq(EXPORTED.apiKey.pageId, p.id),
    };
    const tables = {} as Record<ExportedTable, JsonRow[]>;
    for (const key of Object.keys(EXPORTED) as ExportedTable[]) {
      const table: SQLiteTable = EXPORTED[key];
      const rows = await tx
        .select()
        .from(table)
        .where(scope[key])
        .orderBy(...primaryKeyColumns(table).map((c) => asc(c)));
      tables[key] = rows.map((r) => toJson(key, r as Record<string, unknown>));
    }
    return { format: EXPORT_FORMAT, version: EXPORT_VERSION, page: toJson("page", p), tables };
  });
}
