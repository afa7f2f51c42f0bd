// The import use case: writes an ImportBundle into the page in ONE transaction
// through the same tables the console writes, keeping the source's ids, so a
// second run finds every row of the first and only updates what changed.
// It never enqueues a notification (no outbox rows, whatever an update's
// deliver_notifications said) and never changes an existing subscriber.
// A dry run does all of it and rolls back: the plan it prints is exactly what
// the real run does.
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import type { ComponentStatus } from "@/db/constants";
import {
  component,
  componentGroup,
  componentStatusChange,
  incident,
  incidentTemplate,
  incidentUpdate,
  incidentUpdateComponent,
  page,
  subscriber,
  subscriberComponent,
  type Incident,
  type IncidentUpdate,
} from "@/db/schema";
import { audit } from "../audit";
import { requireRole, type Ctx } from "../context";
import { ConflictError } from "../errors";
import { refreshIncidentCaches } from "../incidents/timeline";
import { bumpContentVersion, getPage } from "../page/page";
import { impactFromComponentStatuses } from "../status/rules";
import { issueToken } from "../subscribers/tokens";
import type { BundleComponent, BundleIncident, ImportBundle } from "./bundle";
import { derivedId } from "./foreign-ids";
import { chunks, differs, insertAll } from "./rows";

export interface ImportCounts {
  created: number;
  updated: number;
  unchanged: number;
  /** Rows left out (subscribers whose address is already live on this page under another id). */
  skipped: number;
}

export const PLAN_ENTITIES = [
  "groups",
  "components",
  "incidents",
  "maintenances",
  "updates",
  "statusChanges",
  "subscribers",
  "templates",
] as const;
export type PlanEntity = (typeof PLAN_ENTITIES)[number];

export interface ImportPlan {
  source: ImportBundle["source"];
  dryRun: boolean;
  pageName: string;
  page: "updated" | "unchanged";
  counts: Record<PlanEntity, ImportCounts>;
  notes: string[];
  /** False when the page already holds exactly what was read: nothing was (or would be) written. */
  changed: boolean;
}

/** Raised inside the transaction to roll a dry run back. */
class DryRun extends Error {}

/** Maintenance reminders go out this long before the window, as on Statuspage. */
const REMIND_MINUTES = 60;

export async function importBundle(
  ctx: Ctx,
  bundle: ImportBundle,
  opts: { dryRun: boolean; secret: string },
): Promise<ImportPlan> {
  requireRole(ctx.actor, "admin");
  const zero = (): ImportCounts => ({ created: 0, updated: 0, unchanged: 0, skipped: 0 });
  const plan: ImportPlan = {
    source: bundle.source,
    dryRun: opts.dryRun,
    pageName: bundle.page.name,
    page: "unchanged",
    counts: Object.fromEntries(PLAN_ENTITIES.map((e) => [e, zero()])) as ImportPlan["counts"],
    notes: [...bundle.notes],
    changed: false,
  };
  try {
    await ctx.db.transaction(async (tx) => {
      const w = new Writer(tx, ctx, bundle, plan, opts.secret);
      await w.run();
      if (opts.dryRun) throw new DryRun();
    });
  } catch (err) {
    if (!(err instanceof DryRun)) throw err;
  }
  return plan;
}

type Row = Record<string, unknown>;

const affectedKey = (r: { componentId: string; oldStatus: string; newStatus: string }) =>
  `${r.componentId}:${r.oldStatus}:${r.newStatus}`;

type StatusChangeRow = typeof componentStatusChange.$inferInsert;

/**
 * One import's writes. The page's existing rows are read once up front and new
 * rows are inserted in batches: a 250-incident page is a few dozen statements,
 * not thousands.
 */
class Writer {
  private pageId = "";
  private incidents = new Map<string, Incident>();
  private updates = new Map<string, IncidentUpdate>();
  private affected = new Map<string, string[]>();
  private changeIds = new Set<string>();
  private newIncidents: (typeof incident.$inferInsert)[] = [];
  private newUpdates: (typeof incidentUpdate.$inferInsert)[] = [];
  private newAffected: (typeof incidentUpdateComponent.$inferInsert)[] = [];
  private newChanges: StatusChangeRow[] = [];
  private dirtyIncidents: BundleIncident[] = [];

  constructor(
    private tx: Tx,
    private ctx: Ctx,
    private bundle: ImportBundle,
    private plan: ImportPlan,
    private secret: string,
  ) {}

  private count(entity: PlanEntity, outcome: keyof ImportCounts) {
    this.plan.counts[entity][outcome]++;
    if (outcome === "created" || outcome === "updated") this.plan.changed = true;
  }

  private async preload() {
    const tx = this.tx;
    const ids = this.bundle.incidents.map((i) => i.id);
    for (const chunk of chunks(ids)) {
      for (const i of await tx.select().from(incident).where(inArray(incident.id, chunk))) this.incidents.set(i.id, i);
      for (const u of await tx.select().from(incidentUpdate).where(inArray(incidentUpdate.incidentId, chunk)))
        this.updates.set(u.id, u);
    }
    const updateIds = this.bundle.incidents.flatMap((i) => i.updates.map((u) => u.id));
    for (const chunk of chunks(updateIds)) {
      // Updates of the bundle that exist under another incident are found here too.
      for (const u of await tx.select().from(incidentUpdate).where(inArray(incidentUpdate.id, chunk)))
        this.updates.set(u.id, u);
      for (const r of await tx
        .select()
        .from(incidentUpdateComponent)
        .where(inArray(incidentUpdateComponent.incidentUpdateId, chunk))) {
        const list = this.affected.get(r.incidentUpdateId) ?? [];
        list.push(affectedKey(r));
        this.affected.set(r.incidentUpdateId, list);
      }
    }
    const changes = await tx
      .select({ id: componentStatusChange.id })
      .from(componentStatusChange)
      .where(eq(componentStatusChange.pageId, this.pageId));
    for (const c of changes) this.changeIds.add(c.id);
  }

  async run() {
    const tx = this.tx;
    const now = this.ctx.now();
    const p = await getPage(tx);
    this.pageId = p.id;
    const pageWanted = {
      name: this.bundle.page.name,
      ...(this.bundle.page.timeZone ? { timeZone: this.bundle.page.timeZone } : {}),
    };
    if (differs(p, pageWanted)) {
      await tx
        .update(page)
        .set({ ...pageWanted, updatedAt: now })
        .where(eq(page.id, p.id));
      this.plan.page = "updated";
      this.plan.changed = true;
    }
    for (const g of this.bundle.groups) {
      const wanted = {
        pageId: p.id,
        name: g.name,
        description: g.description,
        position: g.position,
        createdAt: g.createdAt,
        updatedAt: g.updatedAt,
      };
      const existing = await tx.query.componentGroup.findFirst({ where: eq(componentGroup.id, g.id) });
      this.owned(existing, "component group", g.id);
      if (!existing) await tx.insert(componentGroup).values({ id: g.id, ...wanted });
      else if (differs(existing, wanted))
        await tx.update(componentGroup).set(wanted).where(eq(componentGroup.id, g.id));
      this.count("groups", !existing ? "created" : differs(existing, wanted) ? "updated" : "unchanged");
    }
    for (const c of this.bundle.components) await this.writeComponent(c);
    await this.preload();
    for (const i of this.bundle.incidents) await this.writeIncident(i);
    await insertAll(this.newIncidents, (rows) => tx.insert(incident).values(rows));
    await insertAll(this.newUpdates, (rows) => tx.insert(incidentUpdate).values(rows));
    await insertAll(this.newAffected, (rows) => tx.insert(incidentUpdateComponent).values(rows));
    await insertAll(this.newChanges, (rows) => tx.insert(componentStatusChange).values(rows));
    // The caches (status, milestones, impact) come from the updates, through their one writer.
    for (const i of this.dirtyIncidents) await refreshIncidentCaches(tx, i.id, i.updatedAt);
    for (const c of this.bundle.components) await this.reconcileStatus(c);
    await this.writeSubscribers(now);
    await this.writeTemplates(now);
    if (!this.plan.changed) return;
    await bumpContentVersion(tx, p.id, now);
    await audit(tx, this.ctx, {
      pageId: p.id,
      action: "import.statuspage",
      entityType: "page",
      entityId: p.id,
      after: { source: this.bundle.source, page: this.plan.page, counts: this.plan.counts },
    });
  }

  /** A row with the same id on another page is never taken over. */
  private owned(existing: { pageId: string } | undefined, what: string, id: string) {
    if (existing && existing.pageId !== this.pageId)
      throw new ConflictError(`The ${what} ${id} belongs to another page`);
  }

  private async writeComponent(c: BundleComponent) {
    const tx = this.tx;
    // The status is not written here: it is a cache of the status log (reconcileStatus).
    const wanted = {
      pageId: this.pageId,
      groupId: c.groupId,
      name: c.name,
      description: c.description,
      position: c.position,
      showcase: c.showcase,
      startDate: c.startDate,
      onlyShowIfDegraded: c.onlyShowIfDegraded,
      createdAt: c.createdAt,
    };
    const existing = await tx.query.component.findFirst({ where: eq(component.id, c.id) });
    this.owned(existing, "component", c.id);
    if (!existing)
      await tx.insert(component).values({ id: c.id, ...wanted, status: "operational", updatedAt: c.updatedAt });
    else if (differs(existing, wanted))
      await tx
        .update(component)
        .set({ ...wanted, updatedAt: c.updatedAt })
        .where(eq(component.id, c.id));
    this.count("components", !existing ? "created" : differs(existing, wanted) ? "updated" : "unchanged");
  }

  private async writeIncident(i: BundleIncident) {
    const tx = this.tx;
    const entity: PlanEntity = i.kind === "maintenance" ? "maintenances" : "incidents";
    const v1 = this.bundle.source === "statuspage-v1";
    const existing = this.incidents.get(i.id);
    this.owned(existing, i.kind, i.id);
    // Statuspage's impact is kept as it was shown: when Herald's rule (worst
    // affected component) would say otherwise, the import pins it as an override.
    const computed = impactFromComponentStatuses(i.updates.flatMap((u) => u.affected.map((a) => a.newStatus)));
    const pinned = i.impact !== "maintenance" && i.impact !== computed ? i.impact : null;
    const m = i.maintenance;
    const wanted: Row = {
      pageId: this.pageId,
      kind: i.kind,
      name: i.name,
      impactOverride: i.impactOverride ?? (i.kind === "incident" ? pinned : null),
      startedAt: i.startedAt,
      scheduledFor: m?.scheduledFor ?? null,
      scheduledUntil: m?.scheduledUntil ?? null,
      publishedAt: i.createdAt,
      createdAt: i.createdAt,
    };
    if (v1 && m) {
      // Reminder already due or sent on Statuspage: Herald must not send it again.
      const remindAt = m.scheduledFor.getTime() - REMIND_MINUTES * 60_000;
      const sent = m.remindedAt ?? (m.remindPrior && remindAt <= this.ctx.now().getTime() ? new Date(remindAt) : null);
      Object.assign(wanted, {
        scheduledRemindPrior: m.remindPrior,
        scheduledRemindMinutes: m.remindPrior ? REMIND_MINUTES : null,
        // Never un-send: a reminder Herald's scheduler sent since the last import stays sent.
        reminderSentAt: existing?.reminderSentAt ?? sent,
        scheduledAutoInProgress: m.autoInProgress,
        scheduledAutoCompleted: m.autoCompleted,
        autoTransitionToMaintenanceState: m.autoTransitionToMaintenanceState,
        autoTransitionToOperationalState: m.autoTransitionToOperationalState,
        autoTransitionDeliverNotificationsAtStart: m.autoTransitionDeliverNotificationsAtStart,
        autoTransitionDeliverNotificationsAtEnd: m.autoTransitionDeliverNotificationsAtEnd,
      });
    }
    if (v1) {
      const pm = i.postmortem;
      Object.assign(wanted, {
        postmortemBody: pm?.publishedAt ? pm.body : null,
        postmortemDraft: pm && !pm.publishedAt ? pm.body : null,
        postmortemPublishedAt: pm?.publishedAt ?? null,
      });
    }
    let dirty = !existing || differs(existing, wanted);
    const newest = [...i.updates].sort((a, b) => b.displayAt.getTime() - a.displayAt.getTime())[0];
    // status and the milestones are caches: refreshIncidentCaches derives them after the updates are in.
    if (!existing)
      this.newIncidents.push({
        ...(wanted as Omit<typeof incident.$inferInsert, "id">),
        id: i.id,
        status: newest.status,
        updatedAt: i.updatedAt,
      });
    else if (dirty) await tx.update(incident).set(wanted).where(eq(incident.id, i.id));

    const ordered = [...i.updates].sort(
      (a, b) =>
        a.displayAt.getTime() - b.displayAt.getTime() ||
        a.createdAt.getTime() - b.createdAt.getTime() ||
        (a.id < b.id ? -1 : 1),
    );
    for (const [n, u] of ordered.entries()) {
      const row = {
        incidentId: i.id,
        status: u.status,
        body: u.body,
        displayAt: u.displayAt,
        seq: n + 1,
        deliverNotifications: u.deliverNotifications,
        createdAt: u.createdAt,
        updatedAt: u.updatedAt,
      };
      const had = this.updates.get(u.id);
      if (had && had.incidentId !== i.id) throw new ConflictError(`The update ${u.id} belongs to another incident`);
      if (!had) this.newUpdates.push({ id: u.id, ...row });
      else if (differs(had, row)) await tx.update(incidentUpdate).set(row).where(eq(incidentUpdate.id, u.id));
      let outcome: keyof ImportCounts = !had ? "created" : differs(had, row) ? "updated" : "unchanged";
      const rows = u.affected.map((a) => ({ incidentUpdateId: u.id, ...a }));
      if ((this.affected.get(u.id) ?? []).sort().join() !== rows.map(affectedKey).sort().join()) {
        if (had) await tx.delete(incidentUpdateComponent).where(eq(incidentUpdateComponent.incidentUpdateId, u.id));
        this.newAffected.push(...rows);
        if (outcome === "unchanged") outcome = "updated";
      }
      this.count("updates", outcome);
      if (outcome !== "unchanged") dirty = true;
      // Historical status changes feed uptime; derived ids make them idempotent.
      for (const a of u.affected) {
        if (a.oldStatus === a.newStatus) continue;
        const id = derivedId(`import:${u.id}:${a.componentId}`);
        if (this.changeIds.has(id)) {
          this.count("statusChanges", "unchanged");
          continue;
        }
        this.changeIds.add(id);
        this.newChanges.push({
          id,
          pageId: this.pageId,
          componentId: a.componentId,
          oldStatus: a.oldStatus,
          newStatus: a.newStatus,
          at: u.displayAt,
          source: i.kind === "maintenance" ? "maintenance" : "incident_update",
          incidentId: i.id,
          incidentUpdateId: u.id,
          createdAt: u.displayAt,
        });
        this.count("statusChanges", "created");
      }
    }
    if (dirty) this.dirtyIncidents.push(i);
    this.count(entity, !existing ? "created" : dirty ? "updated" : "unchanged");
  }

  /**
   * The component's current status as the source shows it. When the status log
   * (imported history included) ends elsewhere, one change at the source's last
   * update brings it there; the cache follows the log.
   */
  private async reconcileStatus(c: BundleComponent) {
    const tx = this.tx;
    const last = await tx
      .select()
      .from(componentStatusChange)
      .where(eq(componentStatusChange.componentId, c.id))
      .orderBy(desc(componentStatusChange.at), desc(componentStatusChange.createdAt))
      .limit(1)
      .get();
    if (!last || last.newStatus !== c.status) {
      const at = new Date(Math.max(c.updatedAt.getTime(), last ? last.at.getTime() + 1 : 0));
      await tx.insert(componentStatusChange).values({
        id: derivedId(`import:${c.id}:current:${c.status}:${at.getTime()}`),
        pageId: this.pageId,
        componentId: c.id,
        oldStatus: last?.newStatus ?? null,
        newStatus: c.status,
        at,
        source: "manual",
        createdAt: at,
      });
      this.count("statusChanges", "created");
    }
    const row = await tx.query.component.findFirst({ where: eq(component.id, c.id), columns: { status: true } });
    if (row?.status !== c.status) {
      await tx
        .update(component)
        .set({ status: c.status as ComponentStatus })
        .where(eq(component.id, c.id));
      this.plan.changed = true;
    }
  }

  private async writeSubscribers(now: Date) {
    const tx = this.tx;
    for (const s of this.bundle.subscribers) {
      const existing = await tx.query.subscriber.findFirst({
        where: eq(subscriber.id, s.id),
        columns: { id: true, pageId: true },
      });
      this.owned(existing, "subscriber", s.id);
      // Whatever happened since (confirmed, unsubscribed here), Herald's row wins.
      if (existing) {
        this.count("subscribers", "unchanged");
        continue;
      }
      const live = s.state === "active" || s.state === "unconfirmed";
      if (live) {
        const taken = await tx.query.subscriber.findFirst({
          where: and(
            eq(subscriber.pageId, this.pageId),
            sql`lower(${subscriber.email}) = ${s.email}`,
            inArray(subscriber.state, ["unconfirmed", "active"]),
          ),
          columns: { id: true },
        });
        if (taken) {
          this.count("subscribers", "skipped");
          continue;
        }
      }
      // Fresh links for Herald's emails; the confirmation state is Statuspage's, and no email is queued.
      const manage = issueToken(this.secret);
      const confirm = s.state === "unconfirmed" ? issueToken(this.secret) : null;
      await tx.insert(subscriber).values({
        id: s.id,
        pageId: this.pageId,
        email: s.email,
        state: s.state,
        confirmTokenHash: confirm?.hash ?? null,
        confirmTokenEnc: confirm?.enc ?? null,
        manageTokenHash: manage.hash,
        manageTokenEnc: manage.enc,
        confirmedAt: s.state === "active" ? s.createdAt : null,
        unsubscribedAt: s.state === "unsubscribed" ? now : null,
        quarantinedAt: s.quarantinedAt,
        createdAt: s.createdAt,
        updatedAt: s.createdAt,
      });
      if (s.componentIds.length)
        await tx
          .insert(subscriberComponent)
          .values([...new Set(s.componentIds)].map((componentId) => ({ subscriberId: s.id, componentId })));
      this.count("subscribers", "created");
    }
  }

  private async writeTemplates(now: Date) {
    const tx = this.tx;
    for (const t of this.bundle.templates) {
      const wanted = {
        pageId: this.pageId,
        name: t.name.slice(0, 100),
        title: (t.title || t.name).slice(0, 255),
        body: t.body.slice(0, 20_000),
        status: t.status,
        components: t.components,
        notify: t.notify,
      };
      const existing = await tx.query.incidentTemplate.findFirst({ where: eq(incidentTemplate.id, t.id) });
      this.owned(existing, "template", t.id);
      if (!existing) await tx.insert(incidentTemplate).values({ id: t.id, ...wanted, createdAt: now, updatedAt: now });
      else if (differs(existing, wanted))
        await tx
          .update(incidentTemplate)
          .set({ ...wanted, updatedAt: now })
          .where(eq(incidentTemplate.id, t.id));
      this.count("templates", !existing ? "created" : differs(existing, wanted) ? "updated" : "unchanged");
    }
  }
}
