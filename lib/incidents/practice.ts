// The comms lead's view of open incidents: update cadence (when the next
// public update is due, which are overdue), owner, priority from impact ×
// urgency, and internal notes. All of it is console-only: no public loader
// reads these columns or the incident_note table.
import { and, asc, desc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import type { Tx } from "@/db/client";
import { URGENCIES, type Impact, type Priority, type Urgency } from "@/db/constants";
import { incident, incidentNote, incidentUpdate, page, user, type Page } from "@/db/schema";
import { audit } from "../audit";
import { parseInput, requireRole, type Ctx } from "../context";
import { ValidationError } from "../errors";
import { Id, newId } from "../ids";
import { getPage } from "../page/page";
import { publishedUpdate } from "../public/visibility";
import { openStatus } from "../status/conditions";
import { getIncidentOrThrow } from "./incidents";

const MINUTE = 60_000;

// ---------------------------------------------------------------- rules (pure)

const PRIORITY: Record<Impact, Record<Urgency, Priority>> = {
  critical: { high: "P1", medium: "P1", low: "P2" },
  major: { high: "P1", medium: "P2", low: "P3" },
  minor: { high: "P2", medium: "P3", low: "P4" },
  none: { high: "P3", medium: "P4", low: "P4" },
};

/** Priority from impact × urgency; an unset urgency counts as medium. */
export function priorityOf(impact: Impact, urgency: Urgency | null): Priority {
  return PRIORITY[impact][urgency ?? "medium"];
}

export interface CadencePolicy {
  criticalMinutes: number;
  majorMinutes: number;
  minorMinutes: number;
  /** The first public update is due this long after the incident started. */
  firstUpdateMinutes: number;
}

export const DEFAULT_CADENCE: CadencePolicy = {
  criticalMinutes: 30,
  majorMinutes: 60,
  minorMinutes: 120,
  firstUpdateMinutes: 15,
};

export function cadenceOf(p: Page): CadencePolicy {
  return {
    criticalMinutes: p.cadenceCriticalMinutes,
    majorMinutes: p.cadenceMajorMinutes,
    minorMinutes: p.cadenceMinorMinutes,
    firstUpdateMinutes: p.firstUpdateMinutes,
  };
}

/** Minutes between public updates at this impact; "none" follows the minor rhythm. */
export function cadenceMinutes(policy: CadencePolicy, impact: Impact): number {
  return impact === "critical"
    ? policy.criticalMinutes
    : impact === "major"
      ? policy.majorMinutes
      : policy.minorMinutes;
}

export interface DueInput {
  startedAt: Date;
  impact: Impact;
  /** When each public update was actually posted (not its display time, which may be back-dated). */
  postedAt: readonly Date[];
}

/**
 * When the next public update is due: the first within firstUpdateMinutes of
 * the start, then one per cadence interval after the latest.
 */
export function nextUpdateDue(policy: CadencePolicy, i: DueInput): Date {
  const posted = i.postedAt.filter((d) => d.getTime() >= i.startedAt.getTime());
  if (!posted.length) return new Date(i.startedAt.getTime() + policy.firstUpdateMinutes * MINUTE);
  const last = Math.max(...posted.map((d) => d.getTime()));
  return new Date(last + cadenceMinutes(policy, i.impact) * MINUTE);
}

// ---------------------------------------------------------------- the console view

export interface CommsIncident {
  id: string;
  name: string;
  status: string;
  impact: Impact;
  urgency: Urgency | null;
  priority: Priority;
  owner: { id: string; name: string } | null;
  /** false = scheduled or a draft, not public yet. */
  published: boolean;
  /** A draft (opened by a monitor alert) waiting for a person to publish it (lib/incidents/drafts.ts). */
  draft: boolean;
  lastUpdateAt: Date | null;
  nextUpdateDue: Date;
  overdue: boolean;
  /** Minutes past due (0 when not overdue). */
  overdueMinutes: number;
}

/** Open incidents for the comms lead: overdue first, then soonest due. */
export async function loadCommsView(db: Tx, pageId: string, now: Date): Promise<CommsIncident[]> {
  const p = (await db.query.page.findFirst({ where: eq(page.id, pageId) }))!;
  const policy = cadenceOf(p);
  const rows = await db
    .select()
    .from(incident)
    .where(and(eq(incident.pageId, pageId), eq(incident.kind, "incident"), openStatus));
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const updates = await db
    .select({ incidentId: incidentUpdate.incidentId, createdAt: incidentUpdate.createdAt })
    .from(incidentUpdate)
    .where(and(inArray(incidentUpdate.incidentId, ids), publishedUpdate));
  const ownerIds = [...new Set(rows.map((r) => r.ownerUserId).filter((x): x is string => !!x))];
  const owners = ownerIds.length
    ? await db.select({ id: user.id, name: user.name }).from(user).where(inArray(user.id, ownerIds))
    : [];
  const ownerById = new Map(owners.map((o) => [o.id, o]));
  const out = rows.map((r): CommsIncident => {
    // A scheduled incident's updates count from when it goes public.
    const postedAt = updates
      .filter((u) => u.incidentId === r.id)
      .map((u) => (r.publishedAt && u.createdAt < r.publishedAt ? r.publishedAt : u.createdAt));
    const due = nextUpdateDue(policy, { startedAt: r.startedAt, impact: r.impact, postedAt });
    const late = Math.max(0, Math.floor((now.getTime() - due.getTime()) / MINUTE));
    return {
      id: r.id,
      name: r.name,
      status: r.status,
      impact: r.impact,
      urgency: r.urgency,
      priority: priorityOf(r.impact, r.urgency),
      owner: r.ownerUserId ? (ownerById.get(r.ownerUserId) ?? null) : null,
      published: r.publishedAt !== null,
      draft: r.publishedAt === null && r.publishAt === null,
      lastUpdateAt: postedAt.length ? new Date(Math.max(...postedAt.map((d) => d.getTime()))) : null,
      nextUpdateDue: due,
      overdue: r.publishedAt !== null && now.getTime() > due.getTime(),
      overdueMinutes: r.publishedAt !== null ? late : 0,
    };
  });
  return out.sort(
    (a, b) => Number(b.overdue) - Number(a.overdue) || a.nextUpdateDue.getTime() - b.nextUpdateDue.getTime(),
  );
}

// ---------------------------------------------------------------- use cases

export const SetIncidentPracticeInput = z.strictObject({
  incidentId: Id,
  ownerUserId: z.string().min(1).max(64).nullable().optional(),
  urgency: z.enum(URGENCIES).nullable().optional(),
});
export type SetIncidentPracticeInput = z.input<typeof SetIncidentPracticeInput>;

/** Sets the owner and/or urgency. Internal: no version bump, nothing public changes. */
export async function setIncidentPractice(ctx: Ctx, input: SetIncidentPracticeInput): Promise<void> {
  requireRole(ctx.actor, "editor");
  const { incidentId, ...fields } = parseInput(SetIncidentPracticeInput, input);
  await ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    const before = await getIncidentOrThrow(tx, p.id, incidentId);
    if (fields.ownerUserId) {
      const u = await tx.query.user.findFirst({ where: eq(user.id, fields.ownerUserId) });
      if (!u) throw new ValidationError("Unknown team member", { ownerUserId: ["Unknown team member"] });
    }
    await tx.update(incident).set(fields).where(eq(incident.id, incidentId));
    await audit(tx, ctx, {
      pageId: p.id,
      action: "incident.set_practice",
      entityType: "incident",
      entityId: incidentId,
      before: { ownerUserId: before.ownerUserId, urgency: before.urgency },
      after: fields,
    });
  });
}

export const AddNoteInput = z.strictObject({
  incidentId: Id,
  body: z.string().trim().min(1, "Write something").max(10_000, "At most 10,000 characters"),
});
export type AddNoteInput = z.input<typeof AddNoteInput>;

export interface IncidentNoteDto {
  id: string;
  body: string;
  authorLabel: string;
  createdAt: Date;
}

export async function addIncidentNote(ctx: Ctx, input: AddNoteInput): Promise<IncidentNoteDto> {
  requireRole(ctx.actor, "editor");
  const data = parseInput(AddNoteInput, input);
  return ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    await getIncidentOrThrow(tx, p.id, data.incidentId);
    const row = {
      id: newId(),
      incidentId: data.incidentId,
      authorUserId: ctx.actor.type === "user" ? ctx.actor.id : null,
      authorLabel: ctx.actor.label,
      body: data.body,
      createdAt: ctx.now(),
    };
    await tx.insert(incidentNote).values(row);
    // The audit row records that a note was added, not its text.
    await audit(tx, ctx, {
      pageId: p.id,
      action: "incident.add_note",
      entityType: "incident",
      entityId: data.incidentId,
      after: { noteId: row.id },
    });
    return { id: row.id, body: row.body, authorLabel: row.authorLabel, createdAt: row.createdAt };
  });
}

/** Newest first. Console only. */
export async function listIncidentNotes(db: Tx, incidentId: string): Promise<IncidentNoteDto[]> {
  return db
    .select({
      id: incidentNote.id,
      body: incidentNote.body,
      authorLabel: incidentNote.authorLabel,
      createdAt: incidentNote.createdAt,
    })
    .from(incidentNote)
    .where(eq(incidentNote.incidentId, incidentId))
    .orderBy(desc(incidentNote.createdAt), asc(incidentNote.id));
}

const Minutes = z
  .number()
  .int()
  .min(5, "At least 5 minutes")
  .max(24 * 60, "At most a day");
export const UpdateCadenceInput = z.strictObject({
  criticalMinutes: Minutes,
  majorMinutes: Minutes,
  minorMinutes: Minutes,
  firstUpdateMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60),
});
export type UpdateCadenceInput = z.input<typeof UpdateCadenceInput>;

export async function updateCadencePolicy(ctx: Ctx, input: UpdateCadenceInput): Promise<CadencePolicy> {
  requireRole(ctx.actor, "admin");
  const d = parseInput(UpdateCadenceInput, input);
  return ctx.db.transaction(async (tx) => {
    const before = await getPage(tx);
    await tx
      .update(page)
      .set({
        cadenceCriticalMinutes: d.criticalMinutes,
        cadenceMajorMinutes: d.majorMinutes,
        cadenceMinorMinutes: d.minorMinutes,
        firstUpdateMinutes: d.firstUpdateMinutes,
      })
      .where(eq(page.id, before.id));
    await audit(tx, ctx, {
      pageId: before.id,
      action: "page.update_cadence",
      entityType: "page",
      entityId: before.id,
      before: cadenceOf(before),
      after: d,
    });
    return d;
  });
}
